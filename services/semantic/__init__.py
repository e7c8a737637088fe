"""picsift semantic service."""
