"""People: the shared directory of speakers that every event reuses."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.text import fold
from .base import BigIntAuditBase, JsonB
from .organisations import Organisation


class Person(BigIntAuditBase):
    __tablename__ = "person"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    honorific: Mapped[str | None] = mapped_column(String(40), default=None)
    job_title: Mapped[str | None] = mapped_column(String(300), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    biography: Mapped[str | None] = mapped_column(Text, default=None)
    # Private: never rendered on a public page, in a feed, the API or an export.
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    aliases: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # Names and aliases folded for accent- and case-blind search (kept up to date on every write).
    search_text: Mapped[str] = mapped_column(String(1000), default="", server_default="", index=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    merged_into: Mapped[Person | None] = relationship(remote_side="Person.id", lazy="raise")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _fold_person_names(_mapper, _connection, person: Person) -> None:  # noqa: ANN001
    person.search_text = fold(" ".join([person.given_name, person.family_name, *(person.aliases or [])]))[
        :1000
    ]
