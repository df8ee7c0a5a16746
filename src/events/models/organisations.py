"""Organisations: departments, agencies, councils, and their lineage."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..text import searchable
from .base import BigIntAuditBase, JsonB, enum_column, name_key, name_terms_table, write_name_terms


class OrganisationKind(enum.StrEnum):
    FEDERAL = "federal"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    AGENCY = "agency"
    CROWN_CORPORATION = "crown corporation"
    INTERGOVERNMENTAL = "intergovernmental"
    ACADEMIC = "academic"
    NON_PROFIT = "non-profit"
    PRIVATE = "private"


class Organisation(BigIntAuditBase):
    __tablename__ = "organisation"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(30), default=None)
    name_fr: Mapped[str | None] = mapped_column(String(300), default=None)  # Service Nouveau-Brunswick
    acronym_fr: Mapped[str | None] = mapped_column(String(30), default=None)  # CCRA is ADRC in French
    kind: Mapped[OrganisationKind | None] = enum_column(OrganisationKind, default=None, nullable=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(120), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    aliases: Mapped[list[str]] = mapped_column(
        JsonB, default=list, info={"max_length": 300, "label": "other names"}
    )
    # Names and acronyms (both languages) and aliases folded for accent- and case-blind search (kept up to date on every write).
    search_text: Mapped[str] = mapped_column(String(1000), default="", server_default="", index=True)
    # The name without accents, case, punctuation or spaces: what the duplicate review compares.
    name_key: Mapped[str] = mapped_column(String(300), default="", server_default="", index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    successor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    # Set when this record was a duplicate folded into another: its old URL redirects there.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[parent_id], lazy="raise"
    )
    successor: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[successor_id], lazy="raise"
    )

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


def folded_organisation_names(
    name: str,
    acronym: str | None,
    aliases: list[str] | None,
    name_fr: str | None = None,
    acronym_fr: str | None = None,
) -> dict[str, str]:
    """The columns an organisation is searched and compared by (a bulk import sets them too): it is
    found by its names in both languages ("Service Nouveau-Brunswick", "ADRC")."""
    words = [name, acronym or "", name_fr or "", acronym_fr or "", *(aliases or [])]
    return {"search_text": searchable(" ".join(words))[:1000], "name_key": name_key(name)[:300]}


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _fold_organisation_names(_mapper, _connection, organisation: Organisation) -> None:  # noqa: ANN001
    folded = folded_organisation_names(
        organisation.name,
        organisation.acronym,
        organisation.aliases,
        organisation.name_fr,
        organisation.acronym_fr,
    )
    for column, value in folded.items():
        setattr(organisation, column, value)


# One row per word of an organisation's name, acronym and aliases (see person_name_term).
organisation_name_term = name_terms_table("organisation_name_term", "organisation")


@event.listens_for(Organisation, "after_insert")
@event.listens_for(Organisation, "after_update")
def _index_organisation_names(_mapper, connection, organisation: Organisation) -> None:  # noqa: ANN001
    write_name_terms(connection, organisation_name_term, organisation)
