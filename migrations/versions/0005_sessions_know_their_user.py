"""Sign-in sessions know their user, so that a change of role or a deactivation can end them.

Sessions made before this know neither their user nor their CSRF secret: they are ended, and everyone
signs in once more.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:39:05.893304
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op


sa.DateTimeUTC = DateTimeUTC
sa.GUID = GUID

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM user_session")
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_session_user_id_user_account'), 'user_account', ['user_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_session_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_column('user_id')
