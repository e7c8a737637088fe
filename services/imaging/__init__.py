"""Opening every photo format as pixels: a library the stages share, knowing no service."""
