"""Free web addresses (slugs) for new records, safe when two records with one name are made at once."""

from __future__ import annotations

import zlib

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession


async def _claim_slugs_of(session: AsyncSession, table: str) -> None:
    """Hold, until this transaction ends, the right to pick a new slug of ``table``.

    Without it two transactions both find ``name`` free and the second insert breaks the unique index.
    PostgreSQL: a transaction-level advisory lock per table. SQLite: its one write lock, taken now (an
    UPDATE that matches nothing still begins the write transaction), so the lookup below sees every
    committed slug; a busy database makes this wait, then answers 503 like any write.
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(zlib.crc32(f"slug:{table}".encode()))))
    else:
        await session.execute(text("UPDATE site_state SET revision = revision WHERE 0"))


async def free_slug(session: AsyncSession, model, base: str) -> str:  # noqa: ANN001
    """``base``, or ``base-2``, ``base-3``... whichever no row of ``model`` has yet."""
    await _claim_slugs_of(session, model.__tablename__)
    # Most names are new: one lookup in the unique index. Only a taken one reads its numbered siblings
    # (a LIKE that the indexes cannot answer, which would make a bulk import quadratic if always run).
    if await session.scalar(select(model.id).where(model.slug == base)) is None:
        return base
    taken = set(
        await session.scalars(select(model.slug).where(or_(model.slug == base, model.slug.like(f"{base}-%"))))
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
