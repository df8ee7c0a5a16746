"""All models, imported here so that the metadata is complete for Alembic and the mappers resolve."""

from .accounts import EventGrant, LoginThrottle, Role, UploadInvitation, User, UserSession
from .audit import AuditEntry, SiteState
from .base import BigIntAuditBase
from .duplicates import DuplicateKind, DuplicateStatus, DuplicateSuggestion
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
from .organisations import Organisation, OrganisationKind, organisation_name_term
from .people import Person, person_name_term
from .validation import MAX_ID, InvalidText, as_id

metadata = BigIntAuditBase.metadata

# Tables whose writes never change a public page: they leave the site revision (and page caches) alone.
REVISION_NEUTRAL_TABLES = frozenset(
    mapper.local_table.name
    for mapper in BigIntAuditBase.registry.mappers
    if not getattr(mapper.class_, "affects_public_pages", True)
)

__all__ = [
    "MAX_ID",
    "InvalidText",
    "as_id",
    "PUBLIC_STATUSES",
    "AuditEntry",
    "DuplicateKind",
    "DuplicateStatus",
    "DuplicateSuggestion",
    "REVISION_NEUTRAL_TABLES",
    "EventGrant",
    "LoginThrottle",
    "UserSession",
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
    "organisation_name_term",
    "person_name_term",
]
