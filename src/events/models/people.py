"""People: the shared directory of speakers that every event reuses."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..text import searchable
from .base import BigIntAuditBase, JsonB, name_key, name_terms_table, write_name_terms
from .organisations import Organisation


class Person(BigIntAuditBase):
    __tablename__ = "person"
    __table_args__ = (
        # The directory's A-Z order over the records still in use: pages without a sort.
        Index(
            "ix_person_directory_order",
            "family_name",
            "given_name",
            "id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
        # Only tombstones are looked up by what they were merged into; a full index would tempt the
        # planners to read every record in use through it instead of walking the A-Z order.
        Index(
            "ix_person_merged_into_id",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
            postgresql_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    honorific: Mapped[str | None] = mapped_column(String(40), default=None)
    job_title: Mapped[str | None] = mapped_column(String(300), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    biography: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    # Private: never on a public page, in a feed, the API or a ZIP; staff see it and export it.
    # Stored lower case, so that "same e-mail" is an index lookup.
    email: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    aliases: Mapped[list[str]] = mapped_column(
        JsonB, default=list, info={"max_length": 300, "label": "other names"}
    )
    # Names and aliases folded for accent- and case-blind search (kept up to date on every write).
    search_text: Mapped[str] = mapped_column(String(1000), default="", server_default="", index=True)
    # Names without accents, case, punctuation or spaces: what the duplicate review compares.
    family_key: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    name_key: Mapped[str] = mapped_column(String(250), default="", server_default="", index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    merged_into: Mapped[Person | None] = relationship(remote_side="Person.id", lazy="raise")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


# One row per word of a person's names and aliases: prefix search through an index at any size.
person_name_term = name_terms_table("person_name_term", "person")


def folded_person_names(given_name: str, family_name: str, aliases: list[str] | None) -> dict[str, str]:
    """The columns a person is searched and compared by, from their names (a bulk import sets them too)."""
    names = " ".join([given_name, family_name, *(aliases or [])])
    return {
        "search_text": searchable(names)[:1000],
        "family_key": name_key(family_name)[:120],
        "name_key": name_key(f"{given_name} {family_name}")[:250],
    }


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _fold_person_names(_mapper, _connection, person: Person) -> None:  # noqa: ANN001
    for column, value in folded_person_names(person.given_name, person.family_name, person.aliases).items():
        setattr(person, column, value)


@event.listens_for(Person, "after_insert")
@event.listens_for(Person, "after_update")
def _index_person_names(_mapper, connection, person: Person) -> None:  # noqa: ANN001
    write_name_terms(connection, person_name_term, person)
