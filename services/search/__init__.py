"""picsift search service."""
