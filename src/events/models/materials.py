"""Materials (files or links) and their versions; a material's public URL outlives re-uploads."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ColumnElement, ForeignKey, Integer, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BigIntAuditBase, DateTimeUTC, SoftDelete, enum_column
from .events import LearningEvent, Presentation

if TYPE_CHECKING:
    from .accounts import User


class MaterialKind(enum.StrEnum):
    SLIDES = "slides"
    HANDOUT = "handout"
    PAPER = "paper"
    RECORDING = "recording"
    LINK = "link"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    ORGANISERS = "organisers"


class Material(SoftDelete, BigIntAuditBase):
    __tablename__ = "material"

    event_id: Mapped[int] = mapped_column(ForeignKey("learning_event.id", ondelete="CASCADE"), index=True)
    # None when the material belongs to the event itself (an agenda, a summary report).
    presentation_id: Mapped[int | None] = mapped_column(
        ForeignKey("presentation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MaterialKind] = enum_column(MaterialKind, default=MaterialKind.SLIDES)
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    visibility: Mapped[Visibility] = enum_column(Visibility, default=Visibility.PUBLIC)
    # Embargo: public only from this moment on.
    release_at: Mapped[dt.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None, index=True
    )
    external_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("material_version.id", use_alter=True, ondelete="SET NULL")
    )

    event: Mapped[LearningEvent] = relationship(lazy="raise")
    presentation: Mapped[Presentation | None] = relationship(back_populates="materials", lazy="raise")
    current_version: Mapped[MaterialVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="raise"
    )
    versions: Mapped[list[MaterialVersion]] = relationship(
        foreign_keys="MaterialVersion.material_id",
        back_populates="material",
        order_by="MaterialVersion.number",
        lazy="raise",
    )

    @classmethod
    def public_at(cls, now: dt.datetime) -> ColumnElement[bool]:
        """The SQL form of ``is_public_at``: visible to anyone at ``now``."""
        return and_(
            cls.deleted_at.is_(None),
            cls.visibility == Visibility.PUBLIC,
            or_(cls.release_at.is_(None), cls.release_at <= now),
        )

    def is_public_at(self, now: dt.datetime) -> bool:
        return (
            self.deleted_at is None
            and self.visibility is Visibility.PUBLIC
            and (self.release_at is None or self.release_at <= now)
        )


class MaterialVersion(BigIntAuditBase):
    """One uploaded file; re-uploading adds a version and moves the material's pointer."""

    __tablename__ = "material_version"
    __table_args__ = (UniqueConstraint("material_id", "number"),)

    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("upload_invitation.id", ondelete="SET NULL"))

    material: Mapped[Material] = relationship(
        foreign_keys=[material_id], back_populates="versions", lazy="raise"
    )
    uploaded_by: Mapped[User | None] = relationship(lazy="raise")
