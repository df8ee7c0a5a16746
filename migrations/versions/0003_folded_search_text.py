"""Folded (accent- and case-blind) search text for people and organisations, filled for existing rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:18:19.125697
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op


sa.DateTimeUTC = DateTimeUTC
sa.GUID = GUID

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_organisation_search_text'), ['search_text'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_person_search_text'), ['search_text'], unique=False)

    _fill_search_text()


def _fill_search_text() -> None:
    from events.text import fold

    connection = op.get_bind()
    for row in connection.execute(sa.text("SELECT id, name, acronym, aliases FROM organisation")).mappings():
        words = [row["name"], row["acronym"] or "", *_aliases(row["aliases"])]
        connection.execute(sa.text("UPDATE organisation SET search_text = :t WHERE id = :id"), {"t": fold(" ".join(words))[:1000], "id": row["id"]})
    for row in connection.execute(sa.text("SELECT id, given_name, family_name, aliases FROM person")).mappings():
        words = [row["given_name"], row["family_name"], *_aliases(row["aliases"])]
        connection.execute(sa.text("UPDATE person SET search_text = :t WHERE id = :id"), {"t": fold(" ".join(words))[:1000], "id": row["id"]})


def _aliases(value) -> list[str]:
    import json

    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_search_text'))
        batch_op.drop_column('search_text')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_search_text'))
        batch_op.drop_column('search_text')

