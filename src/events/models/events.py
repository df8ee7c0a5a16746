"""Learning events and what is inside them: topics, sessions, presentations and speaker links."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BigIntAuditBase, DateTimeUTC, SoftDelete, enum_column
from .organisations import Organisation
from .people import Person

if TYPE_CHECKING:
    from .materials import Material


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.ARCHIVED)

event_topic = Table(
    "event_topic",
    BigIntAuditBase.metadata,
    Column("event_id", ForeignKey("learning_event.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Topic(BigIntAuditBase):
    """A clearinghouse section ("Integrated Service Delivery") with its own text and events."""

    __tablename__ = "topic"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(String(500), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    # The French side of each text: the plain columns hold the English.
    title_fr: Mapped[str | None] = mapped_column(String(300), default=None)
    summary_fr: Mapped[str | None] = mapped_column(String(500), default=None)
    description_fr: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})

    events: Mapped[list[LearningEvent]] = relationship(
        secondary=event_topic, back_populates="topics", lazy="raise"
    )


class LearningEvent(SoftDelete, BigIntAuditBase):
    __tablename__ = "learning_event"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    title_fr: Mapped[str | None] = mapped_column(String(300), default=None)
    description_fr: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    venue: Mapped[str | None] = mapped_column(String(300), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    region: Mapped[str | None] = mapped_column(String(120), default=None)
    country: Mapped[str | None] = mapped_column(String(120), default=None)
    # The meeting the event belongs to, e.g. "bi-annual meeting of the Public Sector Service Delivery Council".
    host: Mapped[str | None] = mapped_column(String(300), default=None)
    host_fr: Mapped[str | None] = mapped_column(String(300), default=None)
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[EventStatus] = enum_column(EventStatus, default=EventStatus.DRAFT, index=True)

    host_organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    topics: Mapped[list[Topic]] = relationship(secondary=event_topic, back_populates="events", lazy="raise")
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.position", lazy="raise"
    )
    presentations: Mapped[list[Presentation]] = relationship(
        back_populates="event", order_by="Presentation.position", lazy="raise"
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and self.deleted_at is None


class EventSession(SoftDelete, BigIntAuditBase):
    """A topic or track inside an event, such as "Interjurisdictional Projects"."""

    __tablename__ = "event_session"

    event_id: Mapped[int] = mapped_column(ForeignKey("learning_event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    title_fr: Mapped[str | None] = mapped_column(String(300), default=None)
    description_fr: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    room: Mapped[str | None] = mapped_column(String(120), default=None)

    event: Mapped[LearningEvent] = relationship(back_populates="sessions", lazy="raise")
    host_organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    presentations: Mapped[list[Presentation]] = relationship(
        back_populates="session", order_by="Presentation.position", lazy="raise"
    )


class Presentation(SoftDelete, BigIntAuditBase):
    __tablename__ = "presentation"

    event_id: Mapped[int] = mapped_column(ForeignKey("learning_event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_session.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    title_fr: Mapped[str | None] = mapped_column(String(500), default=None)
    abstract_fr: Mapped[str | None] = mapped_column(Text, default=None, info={"max_length": 20_000})
    position: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    event: Mapped[LearningEvent] = relationship(back_populates="presentations", lazy="raise")
    session: Mapped[EventSession | None] = relationship(back_populates="presentations", lazy="raise")
    speaker_links: Mapped[list[SpeakerLink]] = relationship(
        back_populates="presentation",
        order_by="SpeakerLink.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )
    materials: Mapped[list[Material]] = relationship(
        back_populates="presentation", order_by="Material.position", lazy="raise"
    )


class SpeakerLink(BigIntAuditBase):
    """A person speaking in a presentation, with the title and organisation held *at that event*."""

    __tablename__ = "speaker_link"
    __table_args__ = (UniqueConstraint("presentation_id", "person_id"),)

    presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    job_title: Mapped[str | None] = mapped_column(String(300), default=None)
    job_title_fr: Mapped[str | None] = mapped_column(String(300), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )

    presentation: Mapped[Presentation] = relationship(back_populates="speaker_links", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
