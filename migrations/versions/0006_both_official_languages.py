"""Both official languages: the French side of every public text, and each user's interface language.

The plain columns keep the English (or the only language a record has); the *_fr columns hold the
French. Nothing is copied: a record without French falls back to its English, marked as such.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = {
    "topic": [("title_fr", sa.String(300)), ("summary_fr", sa.String(500)), ("description_fr", sa.Text())],
    "learning_event": [("title_fr", sa.String(300)), ("description_fr", sa.Text()), ("host_fr", sa.String(300))],
    "event_session": [("title_fr", sa.String(300)), ("description_fr", sa.Text())],
    "presentation": [("title_fr", sa.String(500)), ("abstract_fr", sa.Text())],
    "speaker_link": [("job_title_fr", sa.String(300))],
    "organisation": [("name_fr", sa.String(300)), ("acronym_fr", sa.String(30))],
    "user_account": [("language", sa.String(8))],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, kind in columns:
                batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _kind in reversed(columns):
                batch_op.drop_column(name)
