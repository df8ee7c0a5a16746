"""What the people and organisation pages share: the page comparing two records, and merging them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....models import DuplicateKind, Organisation, Person, SpeakerLink
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of
from .. import merge, queries
from ..forms import MergeForm
from ..labels import KIND_LABELS
from ..rules import DirectoryError
from ..search import count_by


@dataclass(frozen=True)
class Records:
    """What differs between the directory's two kinds of record, for the pages they share."""

    kind: DuplicateKind
    model: type
    page: str  # the route of a record's management page
    merge_form: str  # the route of the page comparing two records
    id_parameter: str  # the path parameter naming the record
    public_page: str  # the route of a record's public page
    talks_column: Any
    load: Callable[[AsyncSession, int], Awaitable[Any]]
    merge: Callable[..., Awaitable[Any]]
    name: Callable[[Any], str]

    def url(self, request: Request, record_id: int) -> str:
        return url(request, self.page, **{self.id_parameter: record_id})


PEOPLE = Records(
    kind=DuplicateKind.PERSON,
    model=Person,
    page="manage_person",
    merge_form="manage_person_merge_form",
    id_parameter="person_id",
    public_page="speaker",
    talks_column=SpeakerLink.person_id,
    load=queries.person_with_organisation,
    merge=merge.merge_people,
    name=lambda person: person.full_name,
)
ORGANISATIONS = Records(
    kind=DuplicateKind.ORGANISATION,
    model=Organisation,
    page="manage_organisation",
    merge_form="manage_organisation_merge_form",
    id_parameter="organisation_id",
    public_page="organisation",
    talks_column=SpeakerLink.organisation_id,
    load=queries.organisation_with_relations,
    merge=merge.merge_organisations,
    name=lambda organisation: organisation.name,
)
RECORDS = {records.kind: records for records in (PEOPLE, ORGANISATIONS)}


def _merged(request: Request, records: Records, duplicate: Any, survivor: Any) -> str:
    """The message after a merge."""
    old = url(request, records.public_page, slug=duplicate.slug)
    if records is PEOPLE:
        message = gettext(
            "Merged %(duplicate)s into %(survivor)s. Every talk moved with its title at the time; %(old)s now "
            "leads to %(new)s."
        )
        new = url(request, records.public_page, slug=survivor.slug)
        return message % {
            "duplicate": duplicate.full_name,
            "survivor": survivor.full_name,
            "old": old,
            "new": new,
        }
    message = gettext("Merged %(duplicate)s into %(survivor)s; %(old)s now leads here.")
    return message % {"duplicate": duplicate.name, "survivor": survivor.name, "old": old}


async def _pair(db: AsyncSession, records: Records, first_id: int, second_id: int) -> list[Any]:
    pair = [await records.load(db, first_id), await records.load(db, second_id)]
    if None in pair:
        raise NotFoundException(
            gettext("There is no such person in the directory.")
            if records is PEOPLE
            else gettext("There is no such organisation in the directory.")
        )
    return pair


def _keep(pair: list[Any], talks: dict[int, int]) -> int:
    """The record suggested as the one to keep: more talks, else the older record."""
    return min(pair, key=lambda record: (-talks.get(record.id, 0), record.id)).id


async def merge_page(db: AsyncSession, records: Records, first_id: int, second_id: int) -> Template:
    pair = await _pair(db, records, first_id, second_id)
    talks = await count_by(db, records.talks_column, [first_id, second_id])
    return Template(
        "manage/people/merge.html",
        context={
            "kind": records.kind.value,
            "kinds": KIND_LABELS,
            "pair": pair,
            "talks": talks,
            "keep": _keep(pair, talks),
        },
    )


async def merge_pair(
    request: Request, db: AsyncSession, records: Records, first_id: int, second_id: int, data: Form
) -> Redirect:
    form = parse(data, MergeForm)
    pair = dict(zip((first_id, second_id), await _pair(db, records, first_id, second_id), strict=True))
    if form.survivor not in pair:
        flash(request, gettext("Please choose which record to keep."), category="error")
        return Redirect(
            url(request, records.merge_form, **{records.id_parameter: first_id, "other_id": second_id})
        )
    survivor = pair.pop(form.survivor)
    duplicate = pair.popitem()[1]
    try:
        await records.merge(db, actor_of(request), survivor, duplicate)
    except DirectoryError as error:
        flash(request, str(error), category="error")
        return Redirect(records.url(request, survivor.id))
    flash(request, _merged(request, records, duplicate, survivor), category="success")
    return Redirect(records.url(request, survivor.id))
