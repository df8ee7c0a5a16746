"""events: a materials archive for public-sector learning events."""
