"""The materials management pages: one controller per resource, whose path is its URL prefix."""
