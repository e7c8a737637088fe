"""picsift services: independent stages linked by a bus (see shared/ARCHITECTURE.md)."""
