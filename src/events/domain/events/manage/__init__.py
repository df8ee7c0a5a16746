"""Management pages of the events area: one controller per resource, each at its URL prefix."""

from __future__ import annotations

from ..deps import load_event, load_in_event  # materials/manage.py imports them from here, for now
from .events import EventManagement
from .invitations import InvitationManagement
from .presentations import PresentationManagement
from .sessions import SessionManagement
from .speakers import SpeakerManagement

CONTROLLERS = [
    EventManagement,
    SessionManagement,
    PresentationManagement,
    SpeakerManagement,
    InvitationManagement,
]

__all__ = ["CONTROLLERS", "EventManagement", "load_event", "load_in_event"]
