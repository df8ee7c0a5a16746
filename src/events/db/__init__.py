"""The database: configuration and migrations (config), the site revision (revision), and the reads of
public pages (public_reads)."""

from .config import VERSION_TABLE, compare_column_types, migrate, sqlalchemy_config
from .public_reads import PublicReads
from .revision import bump_revision_statement

__all__ = [
    "VERSION_TABLE",
    "PublicReads",
    "bump_revision_statement",
    "compare_column_types",
    "migrate",
    "sqlalchemy_config",
]
