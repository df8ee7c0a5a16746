"""One package per area; each area's service holds all of its writes."""
