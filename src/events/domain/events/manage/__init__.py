"""Management pages of the events area: one controller per resource, each at its URL prefix."""

from __future__ import annotations

from .events import EventManagement
from .presentations import PresentationManagement
from .sessions import SessionManagement
from .speakers import SpeakerManagement

CONTROLLERS = [
    EventManagement,
    SessionManagement,
    PresentationManagement,
    SpeakerManagement,
]

__all__ = ["CONTROLLERS", "EventManagement"]
