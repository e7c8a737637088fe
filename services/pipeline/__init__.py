"""picsift pipeline service."""
