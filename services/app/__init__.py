"""picsift app service."""
