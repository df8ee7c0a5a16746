"""The directory: name terms for indexed search, duplicate suggestions, merged organisations, name keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 15:01:32.616504
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from sqlalchemy.dialects import postgresql

sa.DateTimeUTC = DateTimeUTC
sa.GUID = GUID

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duplicate_suggestion',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('person', 'organisation', name='ck_duplicatekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('first_id', sa.BigInteger(), nullable=False),
    sa.Column('second_id', sa.BigInteger(), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('open', 'dismissed', 'merged', name='ck_duplicatestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_duplicate_suggestion_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_suggestion')),
    sa.UniqueConstraint('kind', 'first_id', 'second_id', name=op.f('uq_duplicate_suggestion_kind'))
    )
    with op.batch_alter_table('duplicate_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_suggestion_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_suggestion_second_id'), ['second_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_suggestion_status'), ['status'], unique=False)

    op.create_table('organisation_name_term',
    sa.Column('organisation_id', sa.BigInteger(), nullable=False),
    sa.Column('term', sa.String(length=60).with_variant(sa.String(length=60, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_name_term_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'term', name=op.f('pk_organisation_name_term'))
    )
    with op.batch_alter_table('organisation_name_term', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_name_term_term', ['term', 'organisation_id'], unique=False)

    op.create_table('person_name_term',
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('term', sa.String(length=60).with_variant(sa.String(length=60, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_name_term_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'term', name=op.f('pk_person_name_term'))
    )
    with op.batch_alter_table('person_name_term', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_term_term', ['term', 'person_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisation_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_name_key'), ['name_key'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisation_merged_into_id_organisation'), 'organisation', ['merged_into_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_key', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('name_key', sa.String(length=250), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_person_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_family_key'), ['family_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_key'), ['name_key'], unique=False)
        batch_op.drop_index('ix_person_merged_into_id')
        batch_op.create_index('ix_person_merged_into_id', ['merged_into_id'], unique=False, sqlite_where=sa.text('merged_into_id IS NOT NULL'), postgresql_where=sa.text('merged_into_id IS NOT NULL'))
        batch_op.create_index('ix_person_directory_order', ['family_name', 'given_name', 'id'], unique=False, sqlite_where=sa.text('merged_into_id IS NULL'), postgresql_where=sa.text('merged_into_id IS NULL'))

    _fill_keys_and_terms()


def _fill_keys_and_terms() -> None:
    """Existing rows get what the models now keep up to date on every write."""
    import json

    from events.text import searchable
    from events.models.base import TERM_LENGTH, name_key

    def aliases(value) -> list[str]:  # noqa: ANN001
        return list((json.loads(value) if isinstance(value, str) else value) or [])

    connection = op.get_bind()
    organisations = connection.execute(sa.text("SELECT id, name, acronym, aliases FROM organisation")).mappings().all()
    for row in organisations:
        text = searchable(" ".join([row["name"], row["acronym"] or "", *aliases(row["aliases"])]))[:1000]
        connection.execute(
            sa.text("UPDATE organisation SET name_key = :key, search_text = :text WHERE id = :id"),
            {"key": name_key(row["name"])[:300], "text": text, "id": row["id"]},
        )
        _insert_terms(connection, "organisation_name_term", "organisation_id", row["id"], text, TERM_LENGTH)
    people = connection.execute(sa.text("SELECT id, given_name, family_name, aliases, email, merged_into_id FROM person")).mappings().all()
    for row in people:
        text = searchable(" ".join([row["given_name"], row["family_name"], *aliases(row["aliases"])]))[:1000]
        connection.execute(
            sa.text("UPDATE person SET family_key = :family, name_key = :name, email = :email, search_text = :text WHERE id = :id"),
            {
                "family": name_key(row["family_name"])[:120],
                "name": name_key(f"{row['given_name']} {row['family_name']}")[:250],
                "email": (row["email"] or "").strip().lower() or None,
                "text": text,
                "id": row["id"],
            },
        )
        if row["merged_into_id"] is None:
            _insert_terms(connection, "person_name_term", "person_id", row["id"], text, TERM_LENGTH)


def _insert_terms(connection, table: str, owner: str, owner_id: int, text: str, length: int) -> None:  # noqa: ANN001
    for term in sorted({word[:length] for word in (text or "").split()}):
        connection.execute(sa.text(f"INSERT INTO {table} ({owner}, term) VALUES (:id, :term)"), {"id": owner_id, "term": term})


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_directory_order')
        batch_op.drop_index('ix_person_merged_into_id')
        batch_op.create_index('ix_person_merged_into_id', ['merged_into_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_person_name_key'))
        batch_op.drop_index(batch_op.f('ix_person_family_key'))
        batch_op.drop_index(batch_op.f('ix_person_email'))
        batch_op.drop_column('name_key')
        batch_op.drop_column('family_key')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_merged_into_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_name_key'))
        batch_op.drop_index(batch_op.f('ix_organisation_merged_into_id'))
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('name_key')

    with op.batch_alter_table('person_name_term', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_term_term')

    op.drop_table('person_name_term')
    with op.batch_alter_table('organisation_name_term', schema=None) as batch_op:
        batch_op.drop_index('ix_organisation_name_term_term')

    op.drop_table('organisation_name_term')
    with op.batch_alter_table('duplicate_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_suggestion_status'))
        batch_op.drop_index(batch_op.f('ix_duplicate_suggestion_second_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_suggestion_first_id'))

    op.drop_table('duplicate_suggestion')
