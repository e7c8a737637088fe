"""picsift gateway service."""
