"""Organisations: departments, agencies, councils, and their lineage."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BigIntAuditBase, JsonB, enum_column


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
    kind: Mapped[OrganisationKind | None] = enum_column(OrganisationKind, default=None, nullable=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(120), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    aliases: Mapped[list[str]] = mapped_column(JsonB, default=list)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    successor_id: Mapped[int | None] = mapped_column(
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
