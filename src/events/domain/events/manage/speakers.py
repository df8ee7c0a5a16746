"""A presentation's speakers: add one (from the directory, or a new person), edit their title and
organisation at the event, remove them (/manage/events/{event_id}/presentations/{presentation_id}/speakers)."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect

from ....i18n import gettext
from ....models import Person, Presentation
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from ...people import service as people
from .. import queries, service
from ..deps import EVENT_DEPENDENCIES, PresentationDep, SpeakerLinkDep
from ..forms import SpeakerCreditForm, SpeakerForm
from .common import organisation_named


def _back(request: Request, presentation: Presentation) -> Redirect:
    path = url(
        request, "manage_presentation", event_id=presentation.event_id, presentation_id=presentation.id
    )
    return Redirect(path + "#speakers")


class SpeakerManagement(Controller):
    path = "/manage/events/{event_id:int}/presentations/{presentation_id:int}/speakers"
    guards = [signed_in, event_access]
    dependencies = EVENT_DEPENDENCIES
    include_in_schema = False

    @post("", name="manage_speaker_add")
    async def add_speaker(
        self, request: Request, presentation: PresentationDep, data: Form, db: Db
    ) -> Redirect:
        form = parse(data, SpeakerForm)
        actor = actor_of(request)
        if form.person_id is not None:
            person = await db.get(Person, form.person_id)
            if person is None or person.merged_into_id is not None:
                raise NotFoundException(gettext("There is no such person in the directory."))
        else:
            if not form.given_name or not form.family_name:
                message = gettext("A new person needs a given name and a family name.")
                flash(request, message, category="error")
                return _back(request, presentation)
            # A new person's title and organisation are also their current ones in the directory.
            person = await people.create_person(
                db, actor, given_name=form.given_name, family_name=form.family_name, job_title=form.job_title,
                organisation=await organisation_named(db, form.organisation, actor),
            )  # fmt: skip
        if await queries.speaks_in(db, presentation, person.id):
            message = gettext("%(name)s already speaks in this presentation.")
            flash(request, message % {"name": person.full_name}, category="error")
            return _back(request, presentation)
        # Title and organisation at the event: as typed here, else the person's current ones.
        organisation = await organisation_named(db, form.organisation, actor)
        await service.add_speaker(db, actor, presentation, person, job_title=form.job_title,
                                  job_title_fr=form.job_title_fr, organisation=organisation)  # fmt: skip
        flash(request, gettext("Added %(name)s.") % {"name": person.full_name}, category="success")
        return _back(request, presentation)

    @post("/{link_id:int}/edit", name="manage_speaker_update")
    async def update_speaker(
        self,
        request: Request,
        presentation: PresentationDep,
        speaker_link: SpeakerLinkDep,
        data: Form,
        db: Db,
    ) -> Redirect:
        form = parse(data, SpeakerCreditForm)
        actor = actor_of(request)
        organisation = await organisation_named(db, form.organisation, actor)
        await service.update_fields(
            db,
            actor,
            speaker_link,
            event_id=presentation.event_id,
            job_title=form.job_title,
            job_title_fr=form.job_title_fr,
            organisation_id=organisation.id if organisation else None,
        )
        message = gettext("Saved the speaker's title and organisation for this presentation.")
        flash(request, message, category="success")
        return _back(request, presentation)

    @post("/{link_id:int}/remove", name="manage_speaker_remove")
    async def remove_speaker(
        self, request: Request, presentation: PresentationDep, speaker_link: SpeakerLinkDep, db: Db
    ) -> Redirect:
        name = speaker_link.person.full_name
        await service.remove_speaker(
            db, actor_of(request), speaker_link, event_id=presentation.event_id, name=name
        )
        message = gettext("Removed %(name)s from this presentation.")
        flash(request, message % {"name": name}, category="success")
        return _back(request, presentation)
