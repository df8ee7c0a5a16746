"""Management of the directory of people and organisations (under /manage, kept by council staff)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ...models import (
    DuplicateKind,
    DuplicateStatus,
    DuplicateSuggestion,
    LearningEvent,
    Organisation,
    OrganisationKind,
    Person,
    Presentation,
    SpeakerLink,
    as_id,
)
from ...web.deps import Db
from ...web.forms import Form, form_text, page_number
from ..accounts.auth import actor_of, signed_in, staff_only
from . import duplicates, service
from .search import (
    PEOPLE_SORTS,
    SHOW,
    DirectoryQuery,
    count_by,
    jurisdictions,
    organisations_page,
    people_page,
)

SUGGESTIONS_PER_PAGE = 25


def _directory_query(request: Request) -> DirectoryQuery:
    params = request.query_params
    number = params.get("page", "1")
    organisation = params.get("organisation", "")
    return DirectoryQuery(
        q=(params.get("q") or "").strip()[:200],
        organisation_id=as_id(organisation),
        kind=params.get("kind", "") if params.get("kind") in {k.value for k in OrganisationKind} else "",
        jurisdiction=(params.get("jurisdiction") or "").strip(),
        show=params.get("show", "") if params.get("show") in SHOW else "",
        sort=params.get("sort", "name") if params.get("sort") in PEOPLE_SORTS else "name",
        page=page_number(number),
    )


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


async def _person(db: AsyncSession, person_id: int) -> Person:
    person = await db.scalar(
        select(Person).where(Person.id == person_id).options(joinedload(Person.organisation))
    )
    if person is None:
        raise NotFoundException("There is no such person in the directory.")
    return person


async def _organisation(db: AsyncSession, organisation_id: int) -> Organisation:
    organisation = await db.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(joinedload(Organisation.parent), joinedload(Organisation.successor))
    )
    if organisation is None:
        raise NotFoundException("There is no such organisation in the directory.")
    return organisation


@dataclass(frozen=True)
class Records:
    """What differs between the directory's two kinds of record, for the pages they share."""

    kind: DuplicateKind
    path: str
    model: type
    talks_column: Any
    load: Callable[[AsyncSession, int], Awaitable[Any]]
    merge: Callable[..., Awaitable[Any]]
    merged: Callable[[Any, Any], str]  # the message after a merge (duplicate, survivor)


PEOPLE = Records(
    kind=DuplicateKind.PERSON,
    path="/manage/people",
    model=Person,
    talks_column=SpeakerLink.person_id,
    load=_person,
    merge=service.merge_people,
    merged=lambda duplicate, survivor: (
        f"Merged {duplicate.full_name} into {survivor.full_name}. Every talk moved with its title at the time; "
        f"/speakers/{duplicate.slug} now leads to /speakers/{survivor.slug}."
    ),
)
ORGANISATIONS = Records(
    kind=DuplicateKind.ORGANISATION,
    path="/manage/organisations",
    model=Organisation,
    talks_column=SpeakerLink.organisation_id,
    load=_organisation,
    merge=service.merge_organisations,
    merged=lambda duplicate, survivor: (
        f"Merged {duplicate.name} into {survivor.name}; /organisations/{duplicate.slug} now leads here."
    ),
)
RECORDS = {records.kind: records for records in (PEOPLE, ORGANISATIONS)}


async def _named(db: AsyncSession, data: dict[str, Any], name: str, errors: dict[str, str]) -> int | None:
    """The id of the organisation typed in field ``name``; unknown names are an error, not a new record."""
    value = form_text(data, name)
    if value is None:
        return None
    found = await service.organisation_named(db, value)
    if found is None:
        errors[name] = (
            f"No organisation is called “{value}”. Add it to the directory first, or check the spelling."
        )
        return None
    return found.id


async def _person_fields(db: AsyncSession, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    fields = {
        "given_name": form_text(data, "given_name") or "",
        "family_name": form_text(data, "family_name") or "",
        "honorific": form_text(data, "honorific"),
        "job_title": form_text(data, "job_title"),
        "organisation_id": await _named(db, data, "organisation", errors),
        "biography": form_text(data, "biography"),
        "email": form_text(data, "email"),
        "aliases": _lines(data.get("aliases")),
    }
    if not fields["family_name"]:
        errors["family_name"] = "Please give the family name."
    if fields["email"]:
        try:
            fields["email"] = service.clean_email(fields["email"])
        except service.DirectoryError as error:
            errors["email"] = str(error)
    return fields, errors


async def _organisation_fields(
    db: AsyncSession, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    kind = form_text(data, "kind")
    fields = {
        "name": form_text(data, "name") or "",
        "acronym": form_text(data, "acronym"),
        "kind": OrganisationKind(kind) if kind in {k.value for k in OrganisationKind} else None,
        "jurisdiction": form_text(data, "jurisdiction"),
        "website": form_text(data, "website"),
        "aliases": _lines(data.get("aliases")),
        "parent_id": await _named(db, data, "parent", errors),
        "successor_id": await _named(db, data, "successor", errors),
    }
    if not fields["name"]:
        errors["name"] = "Please give the organisation's name."
    if fields["website"] and not fields["website"].startswith(("https://", "http://")):
        errors["website"] = "Please give the website as an address starting with https://."
    return fields, errors


def _person_values(person: Person) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in service.PERSON_FIELDS}
    values["organisation"] = person.organisation.name if person.organisation else ""
    values["aliases"] = "\n".join(person.aliases)
    return values


def _organisation_values(organisation: Organisation) -> dict[str, Any]:
    values = {name: getattr(organisation, name) for name in service.ORGANISATION_FIELDS}
    values["kind"] = organisation.kind.value if organisation.kind else ""
    values["parent"] = organisation.parent.name if organisation.parent else ""
    values["successor"] = organisation.successor.name if organisation.successor else ""
    values["aliases"] = "\n".join(organisation.aliases)
    return values


async def _talks(db: AsyncSession, *where: Any, limit: int | None = None) -> list[SpeakerLink]:
    """Speaker links with their presentation, event and the organisation held at the time, newest first."""
    statement = (
        select(SpeakerLink)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*where)
        .options(
            joinedload(SpeakerLink.person),
            joinedload(SpeakerLink.organisation),
            joinedload(SpeakerLink.presentation).joinedload(Presentation.event),
        )
        .order_by(LearningEvent.start_date.desc(), Presentation.position)
        .limit(limit)
    )
    return list(await db.scalars(statement))


async def _suggestions_for(db: AsyncSession, records: Records, record_id: int) -> list[tuple[Any, list[str]]]:
    """The open suggestions naming this record: (the other record, reasons)."""
    suggestions = await db.scalars(
        select(DuplicateSuggestion).where(
            DuplicateSuggestion.kind == records.kind,
            DuplicateSuggestion.status == DuplicateStatus.OPEN,
            or_(DuplicateSuggestion.first_id == record_id, DuplicateSuggestion.second_id == record_id),
        )
    )
    reasons = {s.second_id if s.first_id == record_id else s.first_id: s.reasons for s in suggestions}
    others = await db.scalars(select(records.model).where(records.model.id.in_(reasons)))
    return [(other, reasons[other.id]) for other in others]


async def _merge_form(db: AsyncSession, records: Records, first_id: int, second_id: int) -> Template:
    pair = [await records.load(db, first_id), await records.load(db, second_id)]
    talks = await count_by(db, records.talks_column, [first_id, second_id])
    return Template(
        "manage/merge.html",
        context={"kind": records.kind.value, "pair": pair, "talks": talks, "keep": _keep(pair, talks)},
    )


async def _merge(
    request: Request, db: AsyncSession, records: Records, first_id: int, second_id: int, data: dict[str, Any]
) -> Redirect:
    pair = {first_id: await records.load(db, first_id), second_id: await records.load(db, second_id)}
    kept = form_text(data, "survivor")
    if as_id(kept) not in pair:
        flash(request, "Please choose which record to keep.", category="error")
        return Redirect(f"{records.path}/{first_id}/merge/{second_id}")
    survivor = pair.pop(as_id(kept))
    duplicate = pair.popitem()[1]
    try:
        await records.merge(db, actor_of(request), survivor, duplicate)
    except service.DirectoryError as error:
        flash(request, str(error), category="error")
        return Redirect(f"{records.path}/{survivor.id}")
    flash(request, records.merged(duplicate, survivor), category="success")
    return Redirect(f"{records.path}/{survivor.id}")


def _keep(pair: list[Any], talks: dict[int, int]) -> int:
    """The record suggested as the one to keep: more talks, else the older record."""
    return min(pair, key=lambda record: (-talks.get(record.id, 0), record.id)).id


class DirectoryManagement(Controller):
    path = "/manage"
    guards = [signed_in]
    include_in_schema = False

    @get("/people/search", name="manage_people_search")
    async def people_search(self, db: Db, q: FromQuery[str] = "") -> Template:
        """Type-ahead: the directory entries matching what was typed, as a fragment of a form."""
        return Template(
            "manage/partials/people_matches.html",
            context={"matches": await service.search_people(db, q), "q": q},
        )

    # --- people ------------------------------------------------------------------------------------

    @get("/people", name="manage_people", guards=[staff_only])
    async def people(self, request: Request, db: Db) -> Template:
        query = _directory_query(request)
        typed = (request.query_params.get("organisation") or "").strip()
        organisation = None
        if query.organisation_id:
            organisation = await db.get(Organisation, query.organisation_id)
        elif typed:  # a name or acronym typed in the filter; an unknown one matches nobody
            organisation = await service.organisation_named(db, typed)
            query.organisation_id = organisation.id if organisation else -1
        return Template(
            "manage/people.html",
            context={
                "results": await people_page(db, query),
                "organisation": organisation,
                "organisation_typed": typed,
                "kinds": list(OrganisationKind),
                "jurisdictions": await jurisdictions(db),
                "sorts": PEOPLE_SORTS,
                "shows": SHOW,
                "open_duplicates": await duplicates.open_count(db),
            },
        )

    @get("/people/new", name="manage_person_new", guards=[staff_only])
    async def new_person(self) -> Template:
        return Template("manage/person.html", context={"person": None, "values": {}, "errors": {}})

    @post("/people/new", name="manage_person_create", guards=[staff_only])
    async def create_person(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        fields, errors = await _person_fields(db, data)
        if errors:
            return Template(
                "manage/person.html",
                context={"person": None, "values": data, "errors": errors},
                status_code=400,
            )
        organisation_id = fields.pop("organisation_id")
        organisation = await db.get(Organisation, organisation_id) if organisation_id else None
        person = await service.create_person(db, actor_of(request), organisation=organisation, **fields)
        flash(request, f"Added {person.full_name} to the directory.", category="success")
        return Redirect(f"/manage/people/{person.id}")

    @get("/people/{person_id:int}", name="manage_person", guards=[staff_only])
    async def person(self, request: Request, person_id: FromPath[int], db: Db) -> Template | Redirect:
        person = await _person(db, person_id)
        if person.merged_into_id is not None:
            flash(request, f"{person.full_name} was merged into this record.", category="info")
            return Redirect(f"/manage/people/{person.merged_into_id}")
        return await self._person_page(db, person, _person_values(person), {}, request)

    async def _person_page(
        self,
        db: AsyncSession,
        person: Person,
        values: dict[str, Any],
        errors: dict[str, str],
        request: Request,
        status_code: int = 200,
    ) -> Template:
        query = (request.query_params.get("merge_q") or "").strip()
        candidates = [
            (other, organisation)
            for other, organisation in await service.search_people(db, query, limit=11)
            if other.id != person.id
        ][:10]
        return Template(
            "manage/person.html",
            context={
                "person": person,
                "values": values,
                "errors": errors,
                "talks": await _talks(db, SpeakerLink.person_id == person.id),
                "suggestions": await _suggestions_for(db, PEOPLE, person.id),
                "merge_q": query,
                "candidates": candidates,
            },
            status_code=status_code,
        )

    @post("/people/{person_id:int}", name="manage_person_update", guards=[staff_only])
    async def update_person(
        self, request: Request, person_id: FromPath[int], data: Form, db: Db
    ) -> Template | Redirect:
        person = await _person(db, person_id)
        if person.merged_into_id is not None:
            raise NotFoundException("This record was merged into another; edit that one.")
        fields, errors = await _person_fields(db, data)
        if errors:
            return await self._person_page(db, person, data, errors, request, status_code=400)
        changes = await service.update_person(db, actor_of(request), person, **fields)
        flash(request, "Saved." if changes else "Nothing changed.", category="success")
        return Redirect(f"/manage/people/{person.id}")

    @get("/people/{person_id:int}/merge/{other_id:int}", name="manage_person_merge_form", guards=[staff_only])
    async def merge_people_form(self, person_id: FromPath[int], other_id: FromPath[int], db: Db) -> Template:
        return await _merge_form(db, PEOPLE, person_id, other_id)

    @post("/people/{person_id:int}/merge/{other_id:int}", name="manage_person_merge", guards=[staff_only])
    async def merge_people(
        self, request: Request, person_id: FromPath[int], other_id: FromPath[int], data: Form, db: Db
    ) -> Redirect:
        return await _merge(request, db, PEOPLE, person_id, other_id, data)

    # --- organisations -----------------------------------------------------------------------------

    @get("/organisations", name="manage_organisations", guards=[staff_only])
    async def organisations(self, request: Request, db: Db) -> Template:
        return Template(
            "manage/organisations.html",
            context={
                "results": await organisations_page(db, _directory_query(request)),
                "kinds": list(OrganisationKind),
                "jurisdictions": await jurisdictions(db),
                "sorts": PEOPLE_SORTS,
                "shows": SHOW,
            },
        )

    @get("/organisations/new", name="manage_organisation_new", guards=[staff_only])
    async def new_organisation(self) -> Template:
        return Template(
            "manage/organisation.html",
            context={"organisation": None, "values": {}, "errors": {}, "kinds": list(OrganisationKind)},
        )

    @post("/organisations/new", name="manage_organisation_create", guards=[staff_only])
    async def create_organisation(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        fields, errors = await _organisation_fields(db, data)
        if errors:
            return Template(
                "manage/organisation.html",
                context={
                    "organisation": None,
                    "values": data,
                    "errors": errors,
                    "kinds": list(OrganisationKind),
                },
                status_code=400,
            )
        parent_id, successor_id = fields.pop("parent_id"), fields.pop("successor_id")
        organisation = await service.create_organisation(
            db,
            actor_of(request),
            parent=await db.get(Organisation, parent_id) if parent_id else None,
            successor=await db.get(Organisation, successor_id) if successor_id else None,
            **fields,
        )
        flash(request, f"Added {organisation.name} to the directory.", category="success")
        return Redirect(f"/manage/organisations/{organisation.id}")

    @get("/organisations/{organisation_id:int}", name="manage_organisation", guards=[staff_only])
    async def organisation(
        self, request: Request, organisation_id: FromPath[int], db: Db
    ) -> Template | Redirect:
        organisation = await _organisation(db, organisation_id)
        if organisation.merged_into_id is not None:
            flash(request, f"{organisation.name} was merged into this record.", category="info")
            return Redirect(f"/manage/organisations/{organisation.merged_into_id}")
        return await self._organisation_page(
            db, organisation, _organisation_values(organisation), {}, request
        )

    async def _organisation_page(
        self,
        db: AsyncSession,
        organisation: Organisation,
        values: dict[str, Any],
        errors: dict[str, str],
        request: Request,
        status_code: int = 200,
    ) -> Template:
        related = list(
            await db.scalars(
                select(Organisation)
                .where(
                    Organisation.merged_into_id.is_(None),
                    or_(
                        Organisation.parent_id == organisation.id,
                        Organisation.successor_id == organisation.id,
                    ),
                )
                .order_by(Organisation.name)
            )
        )
        query = (request.query_params.get("merge_q") or "").strip()
        candidates = []
        if query:
            found = await organisations_page(db, DirectoryQuery(q=query))
            candidates = [o for o in found.rows if o.id != organisation.id][:10]
        return Template(
            "manage/organisation.html",
            context={
                "organisation": organisation,
                "values": values,
                "errors": errors,
                "kinds": list(OrganisationKind),
                "divisions": [o for o in related if o.parent_id == organisation.id],
                "predecessors": [o for o in related if o.successor_id == organisation.id],
                "people_count": await db.scalar(
                    select(func.count()).where(
                        Person.organisation_id == organisation.id, Person.merged_into_id.is_(None)
                    )
                ),
                "talks": await _talks(db, SpeakerLink.organisation_id == organisation.id, limit=100),
                "suggestions": await _suggestions_for(db, ORGANISATIONS, organisation.id),
                "merge_q": query,
                "candidates": candidates,
            },
            status_code=status_code,
        )

    @post("/organisations/{organisation_id:int}", name="manage_organisation_update", guards=[staff_only])
    async def update_organisation(
        self, request: Request, organisation_id: FromPath[int], data: Form, db: Db
    ) -> Template | Redirect:
        organisation = await _organisation(db, organisation_id)
        if organisation.merged_into_id is not None:
            raise NotFoundException("This record was merged into another; edit that one.")
        fields, errors = await _organisation_fields(db, data)
        if not errors:
            try:
                changes = await service.update_organisation(db, actor_of(request), organisation, **fields)
            except service.DirectoryError as error:
                errors["parent" if "part of" in str(error) else "successor"] = str(error)
        if errors:
            return await self._organisation_page(db, organisation, data, errors, request, status_code=400)
        flash(request, "Saved." if changes else "Nothing changed.", category="success")
        return Redirect(f"/manage/organisations/{organisation.id}")

    @get(
        "/organisations/{organisation_id:int}/merge/{other_id:int}",
        name="manage_organisation_merge_form",
        guards=[staff_only],
    )
    async def merge_organisations_form(
        self, organisation_id: FromPath[int], other_id: FromPath[int], db: Db
    ) -> Template:
        return await _merge_form(db, ORGANISATIONS, organisation_id, other_id)

    @post(
        "/organisations/{organisation_id:int}/merge/{other_id:int}",
        name="manage_organisation_merge",
        guards=[staff_only],
    )
    async def merge_organisations(
        self, request: Request, organisation_id: FromPath[int], other_id: FromPath[int], data: Form, db: Db
    ) -> Redirect:
        return await _merge(request, db, ORGANISATIONS, organisation_id, other_id, data)

    # --- the review queue of likely duplicates -----------------------------------------------------

    @get("/duplicates", name="manage_duplicates", guards=[staff_only])
    async def duplicates_queue(self, request: Request, db: Db) -> Template:
        kind = (
            DuplicateKind.ORGANISATION
            if request.query_params.get("kind") == "organisation"
            else DuplicateKind.PERSON
        )
        page = page_number(request.query_params.get("page"))
        open_pairs = (DuplicateSuggestion.kind == kind, DuplicateSuggestion.status == DuplicateStatus.OPEN)
        total = await db.scalar(select(func.count()).select_from(DuplicateSuggestion).where(*open_pairs))
        suggestions = list(
            await db.scalars(
                select(DuplicateSuggestion)
                .where(*open_pairs)
                .order_by(DuplicateSuggestion.created_at, DuplicateSuggestion.id)
                .limit(SUGGESTIONS_PER_PAGE)
                .offset((page - 1) * SUGGESTIONS_PER_PAGE)
            )
        )
        ids = {i for s in suggestions for i in (s.first_id, s.second_id)}
        records = RECORDS[kind]
        statement = select(records.model).where(records.model.id.in_(ids))
        if records is PEOPLE:
            statement = statement.options(joinedload(Person.organisation))
        found = {r.id: r for r in await db.scalars(statement)}
        talks = await count_by(db, records.talks_column, list(ids))
        return Template(
            "manage/duplicates.html",
            context={
                "kind": kind.value,
                "suggestions": [
                    (s, found[s.first_id], found[s.second_id])
                    for s in suggestions
                    if s.first_id in found and s.second_id in found
                ],
                "talks": talks,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // SUGGESTIONS_PER_PAGE)),
            },
        )

    @post("/duplicates/{suggestion_id:int}/dismiss", name="manage_duplicate_dismiss", guards=[staff_only])
    async def dismiss(self, request: Request, suggestion_id: FromPath[int], db: Db) -> Redirect:
        suggestion = await db.get(DuplicateSuggestion, suggestion_id)
        if suggestion is None or suggestion.status != DuplicateStatus.OPEN:
            raise NotFoundException("There is no such open suggestion.")
        await duplicates.dismiss(db, actor_of(request), suggestion)
        flash(request, "Marked as not the same; this pair will not be suggested again.", category="success")
        return Redirect(f"/manage/duplicates?kind={suggestion.kind.value}")

    @post("/duplicates/scan", name="manage_duplicates_scan", guards=[staff_only])
    async def scan(self, request: Request, db: Db) -> Redirect:
        count = await duplicates.rescan(db)
        flash(request, f"Scanned the whole directory: {count} open suggestion(s).", category="success")
        return Redirect("/manage/duplicates")
