"""All models, imported here so that the metadata is complete for Alembic and the mappers resolve."""

from .accounts import EventGrant, Role, UploadInvitation, User
from .audit import AuditEntry, SiteState
from .base import BigIntAuditBase
from .events import (
    PUBLIC_STATUSES,
    EventSession,
    EventStatus,
    LearningEvent,
    Presentation,
    SpeakerLink,
    Topic,
)
from .materials import Material, MaterialKind, MaterialVersion, Visibility
from .organisations import Organisation, OrganisationKind
from .people import Person

metadata = BigIntAuditBase.metadata

__all__ = [
    "PUBLIC_STATUSES",
    "AuditEntry",
    "EventGrant",
    "EventSession",
    "EventStatus",
    "LearningEvent",
    "Material",
    "MaterialKind",
    "MaterialVersion",
    "Organisation",
    "OrganisationKind",
    "Person",
    "Presentation",
    "Role",
    "SiteState",
    "SpeakerLink",
    "Topic",
    "UploadInvitation",
    "User",
    "Visibility",
    "metadata",
]
