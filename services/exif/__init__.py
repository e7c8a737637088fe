"""picsift exif service."""
