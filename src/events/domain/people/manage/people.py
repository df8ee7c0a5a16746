"""/manage/people: the directory's people (council staff), and the type-ahead of every signed-in user."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....models import Organisation, Person, SpeakerLink
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, signed_in, staff_only
from .. import deps, duplicates, queries, service
from ..forms import PersonForm
from ..labels import KIND_LABELS
from ..search import PEOPLE_SORTS, SHOW, jurisdictions, people_page
from .fields import person_fields, person_values
from .listing import directory_query
from .merging import PEOPLE, merge_page, merge_pair


async def _page(
    request: Request,
    db: AsyncSession,
    person: Person,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    query = (request.query_params.get("merge_q") or "").strip()
    candidates = [
        (other, organisation)
        for other, organisation in await queries.search_people(db, query, limit=11)
        if other.id != person.id
    ][:10]
    return Template(
        "manage/people/person.html",
        context={
            "person": person,
            "values": values,
            "errors": errors,
            "talks": await queries.talks(db, SpeakerLink.person_id == person.id),
            "suggestions": await queries.suggestions_for(db, PEOPLE.kind, Person, person.id),
            "merge_q": query,
            "candidates": candidates,
        },
        status_code=status_code,
    )


class PeopleManagement(Controller):
    path = "/manage/people"
    guards = [signed_in]
    include_in_schema = False
    dependencies = {"person": deps.person}

    @get("/search", name="manage_people_search")
    async def people_search(self, db: Db, q: FromQuery[str] = "") -> Template:
        """Type-ahead: the directory entries matching what was typed, as a fragment of a form."""
        return Template(
            "manage/partials/people_matches.html",
            context={"matches": await queries.search_people(db, q), "q": q},
        )

    @get("/", name="manage_people", guards=[staff_only])
    async def people(self, request: Request, db: Db) -> Template:
        query = directory_query(request)
        typed = (request.query_params.get("organisation") or "").strip()
        organisation = None
        if query.organisation_id:
            organisation = await db.get(Organisation, query.organisation_id)
        elif typed:  # a name or acronym typed in the filter; an unknown one matches nobody
            organisation = await queries.organisation_named(db, typed)
            query.organisation_id = organisation.id if organisation else -1
        return Template(
            "manage/people/people.html",
            context={
                "results": await people_page(db, query),
                "organisation": organisation,
                "organisation_typed": typed,
                "kinds": KIND_LABELS,
                "jurisdictions": await jurisdictions(db),
                "sorts": PEOPLE_SORTS,
                "shows": SHOW,
                "open_duplicates": await duplicates.open_count(db),
            },
        )

    @get("/new", name="manage_person_new", guards=[staff_only])
    async def new_person(self) -> Template:
        return Template("manage/people/person.html", context={"person": None, "values": {}, "errors": {}})

    @post("/new", name="manage_person_create", guards=[staff_only])
    async def create_person(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        fields, organisation, errors = await person_fields(db, parse(data, PersonForm))
        if errors:
            return Template(
                "manage/people/person.html",
                context={"person": None, "values": data, "errors": errors},
                status_code=400,
            )
        person = await service.create_person(db, actor_of(request), organisation=organisation, **fields)
        flash(
            request,
            gettext("Added %(name)s to the directory.") % {"name": person.full_name},
            category="success",
        )
        return Redirect(url(request, "manage_person", person_id=person.id))

    @get("/{person_id:int}", name="manage_person", guards=[staff_only])
    async def person_page(self, request: Request, person: deps.PersonDep, db: Db) -> Template | Redirect:
        if person.merged_into_id is not None:
            flash(
                request,
                gettext("%(name)s was merged into this record.") % {"name": person.full_name},
                category="info",
            )
            return Redirect(url(request, "manage_person", person_id=person.merged_into_id))
        return await _page(request, db, person, person_values(person), {})

    @post("/{person_id:int}", name="manage_person_update", guards=[staff_only])
    async def update_person(
        self, request: Request, person: deps.PersonDep, data: Form, db: Db
    ) -> Template | Redirect:
        if person.merged_into_id is not None:
            raise NotFoundException(gettext("This record was merged into another; edit that one."))
        form = parse(data, PersonForm)
        fields, organisation, errors = await person_fields(db, form)
        if not errors:
            fields["organisation_id"] = organisation.id if organisation else None
            try:
                changes = await service.update_person(db, actor_of(request), person, **fields)
            except service.DirectoryError as error:
                errors[PersonForm.field_of(error.field) or "form"] = str(error)
        if errors:
            return await _page(request, db, person, data, errors, status_code=400)
        flash(request, gettext("Saved.") if changes else gettext("Nothing changed."), category="success")
        return Redirect(url(request, "manage_person", person_id=person.id))

    @get("/{person_id:int}/merge/{other_id:int}", name="manage_person_merge_form", guards=[staff_only])
    async def merge_form(self, person_id: FromPath[int], other_id: FromPath[int], db: Db) -> Template:
        return await merge_page(db, PEOPLE, person_id, other_id)

    @post("/{person_id:int}/merge/{other_id:int}", name="manage_person_merge", guards=[staff_only])
    async def merge(
        self, request: Request, person_id: FromPath[int], other_id: FromPath[int], data: Form, db: Db
    ) -> Redirect:
        return await merge_pair(request, db, PEOPLE, person_id, other_id, data)
