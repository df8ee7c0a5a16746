"""/manage/organisations: the directory's organisations, kept by council staff."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....models import Organisation, SpeakerLink
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, staff_only
from .. import deps, queries, service
from ..forms import OrganisationForm
from ..labels import KIND_LABELS
from ..search import PEOPLE_SORTS, SHOW, DirectoryQuery, jurisdictions, organisations_page
from .fields import organisation_fields, organisation_values
from .listing import directory_query
from .merging import ORGANISATIONS, merge_page, merge_pair


def _new_page(values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template(
        "manage/people/organisation.html",
        context={"organisation": None, "values": values, "errors": errors, "kinds": KIND_LABELS},
        status_code=status_code,
    )


async def _page(
    request: Request,
    db: AsyncSession,
    organisation: Organisation,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    related = await queries.related_organisations(db, organisation)
    query = (request.query_params.get("merge_q") or "").strip()
    candidates = []
    if query:
        found = await organisations_page(db, DirectoryQuery(q=query))
        candidates = [o for o in found.rows if o.id != organisation.id][:10]
    return Template(
        "manage/people/organisation.html",
        context={
            "organisation": organisation,
            "values": values,
            "errors": errors,
            "kinds": KIND_LABELS,
            "divisions": [o for o in related if o.parent_id == organisation.id],
            "predecessors": [o for o in related if o.successor_id == organisation.id],
            "people_count": await queries.people_count(db, organisation),
            "talks": await queries.talks(db, SpeakerLink.organisation_id == organisation.id, limit=100),
            "suggestions": await queries.suggestions_for(
                db, ORGANISATIONS.kind, Organisation, organisation.id
            ),
            "merge_q": query,
            "candidates": candidates,
        },
        status_code=status_code,
    )


class OrganisationsManagement(Controller):
    path = "/manage/organisations"
    guards = [staff_only]
    include_in_schema = False
    dependencies = {"organisation": deps.organisation}

    @get("/", name="manage_organisations")
    async def organisations(self, request: Request, db: Db) -> Template:
        return Template(
            "manage/people/organisations.html",
            context={
                "results": await organisations_page(db, directory_query(request)),
                "kinds": KIND_LABELS,
                "jurisdictions": await jurisdictions(db),
                "sorts": PEOPLE_SORTS,
                "shows": SHOW,
            },
        )

    @get("/new", name="manage_organisation_new")
    async def new_organisation(self) -> Template:
        return _new_page({}, {})

    @post("/new", name="manage_organisation_create")
    async def create_organisation(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        form = parse(data, OrganisationForm)
        fields, related, errors = await organisation_fields(db, form)
        if not errors:
            try:
                organisation = await service.create_organisation(db, actor_of(request), **fields, **related)
            except service.DirectoryError as error:
                errors[OrganisationForm.field_of(error.field) or "name"] = str(error)
        if errors:
            return _new_page(data, errors, status_code=400)
        flash(
            request,
            gettext("Added %(name)s to the directory.") % {"name": organisation.name},
            category="success",
        )
        return Redirect(url(request, "manage_organisation", organisation_id=organisation.id))

    @get("/{organisation_id:int}", name="manage_organisation")
    async def organisation_page(
        self, request: Request, organisation: deps.OrganisationDep, db: Db
    ) -> Template | Redirect:
        if organisation.merged_into_id is not None:
            flash(
                request,
                gettext("%(name)s was merged into this record.") % {"name": organisation.name},
                category="info",
            )
            return Redirect(url(request, "manage_organisation", organisation_id=organisation.merged_into_id))
        return await _page(request, db, organisation, organisation_values(organisation), {})

    @post("/{organisation_id:int}", name="manage_organisation_update")
    async def update_organisation(
        self, request: Request, organisation: deps.OrganisationDep, data: Form, db: Db
    ) -> Template | Redirect:
        if organisation.merged_into_id is not None:
            raise NotFoundException(gettext("This record was merged into another; edit that one."))
        fields, related, errors = await organisation_fields(db, parse(data, OrganisationForm))
        if not errors:
            fields |= {f"{relation}_id": other.id if other else None for relation, other in related.items()}
            try:
                changes = await service.update_organisation(db, actor_of(request), organisation, **fields)
            except service.DirectoryError as error:
                errors[OrganisationForm.field_of(error.field) or "name"] = str(error)
        if errors:
            return await _page(request, db, organisation, data, errors, status_code=400)
        flash(request, gettext("Saved.") if changes else gettext("Nothing changed."), category="success")
        return Redirect(url(request, "manage_organisation", organisation_id=organisation.id))

    @get("/{organisation_id:int}/merge/{other_id:int}", name="manage_organisation_merge_form")
    async def merge_form(self, organisation_id: FromPath[int], other_id: FromPath[int], db: Db) -> Template:
        return await merge_page(db, ORGANISATIONS, organisation_id, other_id)

    @post("/{organisation_id:int}/merge/{other_id:int}", name="manage_organisation_merge")
    async def merge(
        self, request: Request, organisation_id: FromPath[int], other_id: FromPath[int], data: Form, db: Db
    ) -> Redirect:
        return await merge_pair(request, db, ORGANISATIONS, organisation_id, other_id, data)
