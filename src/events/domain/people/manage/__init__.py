"""Management of the directory, one controller per resource: people, organisations, the review of
likely duplicates, and the directory as CSV (export and import)."""
