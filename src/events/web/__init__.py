"""Web plumbing shared by every area: templates, page cache, byte ranges, error pages."""
