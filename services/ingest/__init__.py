"""picsift ingest service."""
