"""How photo files become pixels: the formats picsift reads and one way to open each (a library, not a stage)."""
