"""The public A–Z indexes of speakers and organisations: one page of a letter or of a search at a time.

Only what a visitor could reach from a published event is listed: people with a public talk, and
organisations whose page shows public talks, sessions or events. Exactly these have public pages
(``has_speaker_page``, ``organisations_with_pages``). Everything is counted, sorted and cut into
pages by the database (LIMIT/OFFSET); a letter is a range of the folded-name index.
"""

from __future__ import annotations

import string
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select, union
from sqlalchemy.orm import Session, aliased, joinedload

from ...i18n import gettext
from ...models import (
    PUBLIC_STATUSES,
    EventSession,
    LearningEvent,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
)
from .public_queries import LINEAGE_STEPS, PUBLIC_TALK, public_talk_exists
from .search import organisations_matching, people_matching, search_words

PAGE_SIZE = 50
LETTERS = tuple(string.ascii_lowercase)
OTHER = "other"  # the bucket for names that start with a digit or a letter outside A–Z


def letter_param(letter: str) -> str:
    """How a letter is written in links: ?letter=M, ?letter=other."""
    return letter.upper() if letter in LETTERS else letter


@dataclass
class Letter:
    value: str  # "m", or OTHER
    label: str
    present: bool  # whether anybody is listed under it

    @property
    def param(self) -> str:
        return letter_param(self.value)


@dataclass
class IndexPage:
    letters: list[Letter]
    letter: str | None  # the letter shown, if any
    query: str  # the search typed, if any
    rows: list[Any]
    total: int
    page: int
    with_pages: frozenset[int] = field(default_factory=frozenset)  # the organisations shown that have a page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.rows) - 1

    @property
    def letter_label(self) -> str | None:
        return next((letter.label for letter in self.letters if letter.value == self.letter), None)

    def page_numbers(self) -> list[int | None]:
        """The pages to link: the first, the last and two either side of this one; None marks a gap."""
        shown = [n for n in range(1, self.pages + 1) if n in (1, self.pages) or abs(n - self.page) <= 2]
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers

    def query_string(self, page: int) -> str:
        """The query string of another page of these results ("" for the index's first page)."""
        values = {
            "letter": letter_param(self.letter) if self.letter else None,
            "q": self.query or None,
            "page": page if page > 1 else None,
        }
        return urlencode({name: value for name, value in values.items() if value})


def letter_value(raw: str | None) -> str | None:
    """The letter asked for in the query string ("m", "M" or "other"), or None; ValueError if not one."""
    raw = (raw or "").strip().lower()
    if not raw:
        return None
    if raw in LETTERS or raw == OTHER:
        return raw
    raise ValueError(raw)


def _starting_with(key: ColumnElement[str], letter: str) -> ColumnElement[bool]:
    """Folded names (lower case, no accents or spaces) starting with ``letter``, or with no letter a–z.

    The range lets the index find the rows; the first-character test makes the answer exact whatever
    the database's collation (a PostgreSQL locale may sort "ø" among the o's).
    """
    first = func.substr(key, 1, 1)
    if letter == OTHER:
        return first.not_in(LETTERS)
    if letter == LETTERS[-1]:
        return and_(key >= letter, first == letter)
    return and_(key >= letter, key < chr(ord(letter) + 1), first == letter)


def _letters(session: Session, listed: Select, key: ColumnElement[str]) -> list[Letter]:
    """Every letter with whether anybody is under it: one statement, each letter stopping at its first."""
    buckets = [*LETTERS, OTHER]
    probes = [listed.where(_starting_with(key, letter)).exists().label(letter) for letter in buckets]
    present = session.execute(select(*probes)).one()
    return [
        Letter(letter, gettext("Other") if letter == OTHER else letter.upper(), bool(found))
        for letter, found in zip(buckets, present, strict=True)
    ]


# --- speakers ----------------------------------------------------------------------------------------


# People who are not merged away and have at least one public talk.
LISTED_PEOPLE = (Person.merged_into_id.is_(None), public_talk_exists(SpeakerLink.person_id == Person.id))


def has_speaker_page(session: Session, person_id: int) -> bool:
    """Whether a person has a public page: only those listed, never someone only on drafts, on deleted
    talks or in the staff directory."""
    return bool(session.scalar(select(exists().where(Person.id == person_id, *LISTED_PEOPLE))))


def speakers_page(session: Session, *, letter: str | None, query: str, page: int) -> IndexPage:
    """One page of speakers, by family name then given name: under ``letter``, or matching ``query``."""
    conditions = list(LISTED_PEOPLE)
    if search_words(query):
        conditions.append(people_matching(query))
    if letter:
        conditions.append(_starting_with(Person.family_key, letter))
    total = session.scalar(select(func.count()).select_from(Person).where(*conditions)) or 0
    rows = session.execute(
        select(Person, Organisation)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(*conditions)
        .order_by(Person.family_key, Person.name_key, Person.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return IndexPage(
        letters=_letters(session, select(Person.id).where(*LISTED_PEOPLE), Person.family_key),
        letter=letter,
        query=query,
        rows=[tuple(row) for row in rows],
        total=total,
        page=page,
        with_pages=organisations_with_pages(session, {org.id for _, org in rows if org is not None}),
    )


# --- organisations -----------------------------------------------------------------------------------


def _organisations_shown_in_public():
    """The ids of organisations with a public talk given under them, or a public session or event they
    hosted (the event's page links the body it was held with).

    One set, read once per statement: per-organisation EXISTS tests look cheaper, but PostgreSQL then
    estimates the query high enough to JIT-compile it, which costs far more than reading the set.
    """
    talks = select(SpeakerLink.organisation_id).join(SpeakerLink.presentation).join(Presentation.event)
    hosted = select(EventSession.host_organisation_id).join(EventSession.event)
    public_event = (LearningEvent.deleted_at.is_(None), LearningEvent.status.in_(PUBLIC_STATUSES))
    return union(
        talks.where(*PUBLIC_TALK, SpeakerLink.organisation_id.is_not(None)),
        hosted.where(
            EventSession.host_organisation_id.is_not(None), EventSession.deleted_at.is_(None), *public_event
        ),
        select(LearningEvent.host_organisation_id).where(
            LearningEvent.host_organisation_id.is_not(None), *public_event
        ),
    ).cte("shown_in_public")


def _listed_organisations(among: Collection[int] | None = None) -> ColumnElement[bool]:
    """Organisations not merged away that have something public to show (of those ``among``, if given).

    That is a public talk, hosted session or event of their own, or of an earlier name (their page lists
    those talks: successor links, however far back), or of one of their divisions (their page links
    to them: parent links, however deep). The walk starts from the lineage links alone, which are few.
    """
    shown = _organisations_shown_in_public()
    older, related = aliased(Organisation), aliased(Organisation)
    # Only organisations that something succeeded or belongs to start a walk back through time and down
    # the divisions; every organisation reached along the way is (listed_id)'s relative.
    has_relatives = (
        select(related.successor_id)
        .where(related.successor_id.is_not(None))
        .union(select(related.parent_id).where(related.parent_id.is_not(None)))
    )
    seed = select(Organisation.id.label("listed_id"), Organisation.id.label("source_id"), _step(0))
    seed = seed.where(Organisation.id.in_(has_relatives))
    if among is not None:
        seed = seed.where(Organisation.id.in_(among))
    relatives = seed.cte("relatives", recursive=True)
    relatives = relatives.union_all(
        select(relatives.c.listed_id, older.id, relatives.c.step + 1)
        .join(
            older, or_(older.successor_id == relatives.c.source_id, older.parent_id == relatives.c.source_id)
        )
        .where(relatives.c.step < LINEAGE_STEPS)
    )
    through_relatives = select(relatives.c.listed_id).where(relatives.c.source_id.in_(select(shown.c[0])))
    return and_(
        Organisation.merged_into_id.is_(None),
        or_(Organisation.id.in_(select(shown.c[0])), Organisation.id.in_(through_relatives)),
    )


def organisations_with_pages(session: Session, ids: Collection[int]) -> frozenset[int]:
    """Which of these organisations have a public page: those the index lists."""
    if not ids:
        return frozenset()
    condition = and_(Organisation.id.in_(ids), _listed_organisations(among=ids))
    return frozenset(session.scalars(select(Organisation.id).where(condition)))


def _step(number: int) -> ColumnElement[int]:
    return literal_column(str(number)).label("step")


def organisations_page(session: Session, *, letter: str | None, query: str, page: int) -> IndexPage:
    """One page of organisations by name: under ``letter``, or matching ``query`` (name, acronym, alias)."""
    searching = bool(search_words(query))
    conditions = [organisations_matching(query)] if searching else []
    if letter:
        conditions.append(_starting_with(Organisation.name_key, letter))
    listed = _listed_organisations()
    # How many are listed under each initial: which letters to link, and the count of a letter's page.
    initial = func.substr(Organisation.name_key, 1, 1).label("initial")
    under: dict[str, int] = dict.fromkeys([*LETTERS, OTHER], 0)
    for first, number in session.execute(select(initial, func.count()).where(listed).group_by("initial")):
        under[first if first in LETTERS else OTHER] += number
    if searching:  # the initials do not tell how many match
        total = session.scalar(select(func.count()).select_from(Organisation).where(listed, *conditions)) or 0
    else:
        total = under[letter] if letter else sum(under.values())
    rows = session.scalars(
        select(Organisation)
        .where(listed, *conditions)
        .options(joinedload(Organisation.parent), joinedload(Organisation.successor))
        .order_by(Organisation.name_key, Organisation.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    letters = [
        Letter(value, gettext("Other") if value == OTHER else value.upper(), under[value] > 0)
        for value in under
    ]
    return IndexPage(letters=letters, letter=letter, query=query, rows=list(rows), total=total, page=page)
