"""picsift vision service."""
