"""Dependencies that load the directory's records from the path, answering 404 for a missing one."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from ...i18n import gettext
from ...models import DuplicateStatus, DuplicateSuggestion, Organisation, Person
from ...web.deps import Db
from . import queries


async def load_person(person_id: FromPath[int], db: Db) -> Person:
    person = await queries.person_with_organisation(db, person_id)
    if person is None:
        raise NotFoundException(gettext("There is no such person in the directory."))
    return person


async def load_organisation(organisation_id: FromPath[int], db: Db) -> Organisation:
    organisation = await queries.organisation_with_relations(db, organisation_id)
    if organisation is None:
        raise NotFoundException(gettext("There is no such organisation in the directory."))
    return organisation


async def load_open_suggestion(suggestion_id: FromPath[int], db: Db) -> DuplicateSuggestion:
    suggestion = await db.get(DuplicateSuggestion, suggestion_id)
    if suggestion is None or suggestion.status != DuplicateStatus.OPEN:
        raise NotFoundException(gettext("There is no such open suggestion."))
    return suggestion


person = Provide(load_person)
organisation = Provide(load_organisation)
open_suggestion = Provide(load_open_suggestion)

# How a handler asks for them (by name, as Litestar wants).
PersonDep = NamedDependency[Person]
OrganisationDep = NamedDependency[Organisation]
SuggestionDep = NamedDependency[DuplicateSuggestion]
