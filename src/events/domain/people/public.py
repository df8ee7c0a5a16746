"""Public pages of speakers and organisations: their history across events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from litestar import Controller, Request, Response
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_301_MOVED_PERMANENTLY
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import _
from ...models import Organisation, Person
from ...web.deps import PageCacheDep
from ...web.page_cache import PageCache, public_page
from ...web.templating import render_page
from ...web.urls import url
from . import index, public_queries

# Longer searches are cut: only the first few words count anyway (see search.search_words).
MAX_QUERY = 200
# 500,000 entries at 50 a page; past that a page number is a mistake (and too large for an OFFSET).
MAX_PAGE = 10_000


async def _index_page(
    request: Request,
    page_cache: PageCache,
    read: Callable[..., index.IndexPage],
    template: str,
    letter: str,
    q: str,
    page: int,
) -> Response:
    """An A-Z index page (of speakers or organisations): one letter, or a search, one page of it."""
    try:
        value = index.letter_value(letter)
    except ValueError:
        raise NotFoundException(
            _("There is no letter “%(letter)s” in the index.") % {"letter": letter}
        ) from None
    query = " ".join(q.split())[:MAX_QUERY]

    def render(db_session: Session) -> str:
        found = read(db_session, letter=value, query=query, page=page)
        if found.page > found.pages:
            raise NotFoundException(
                _("There is no page %(page)s here; the last one is %(last)s.")
                % {"page": found.page, "last": found.pages}
            )
        return render_page(request, template, index=found)

    return await page_cache.respond(request, render)


class PeoplePages(Controller):
    # The page cache keys pages by path and query string, so each letter, search and page is its own entry.
    @public_page("/speakers", name="speakers")
    async def speakers(
        self,
        request: Request,
        page_cache: PageCacheDep,
        letter: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        return await _index_page(
            request, page_cache, index.speakers_page, "public/people/speakers.html", letter, q, page
        )

    @public_page("/organisations", name="organisations")
    async def organisations(
        self,
        request: Request,
        page_cache: PageCacheDep,
        letter: FromQuery[str] = "",
        q: FromQuery[str] = "",
        page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        return await _index_page(
            request, page_cache, index.organisations_page, "public/people/organisations.html", letter, q, page
        )

    @public_page("/speakers/{slug:str}", name="speaker")
    async def speaker(
        self,
        request: Request,
        slug: FromPath[str],
        page_cache: PageCacheDep,
    ) -> Response:
        def render(db_session: Session) -> str | Response:
            missing = NotFoundException(_("No speaker is called “%(slug)s”.") % {"slug": slug})
            person = public_queries.person_by_slug(db_session, slug)
            if person is None:
                raise missing
            if person.merged_into_id is not None:  # a merged duplicate: its old URL leads to the survivor
                if not index.has_speaker_page(db_session, person.merged_into_id):
                    raise missing  # the survivor has no public page: its name is not given away either
                survivor = db_session.scalar(select(Person.slug).where(Person.id == person.merged_into_id))
                return Redirect(
                    url(request, "speaker", slug=survivor), status_code=HTTP_301_MOVED_PERMANENTLY
                )
            history = public_queries.person_history(db_session, person, dt.datetime.now(dt.UTC))
            if not history:  # only on drafts, on deleted talks or in the staff directory: not public
                raise missing
            with_pages = index.organisations_with_pages(
                db_session, [person.organisation_id] if person.organisation_id else []
            )
            return render_page(
                request, "public/people/speaker.html", person=person, history=history, with_pages=with_pages
            )

        return await page_cache.respond(request, render)

    @public_page("/organisations/{slug:str}", name="organisation")
    async def organisation(
        self,
        request: Request,
        slug: FromPath[str],
        page_cache: PageCacheDep,
    ) -> Response:
        def render(db_session: Session) -> str | Response:
            missing = NotFoundException(_("No organisation is called “%(slug)s”.") % {"slug": slug})
            organisation = public_queries.organisation_by_slug(db_session, slug)
            if organisation is None:
                raise missing
            # A body with nothing public to show (and a merged duplicate that would lead to one) answers as
            # if there were no such body, so that its name is not given away.
            if organisation.merged_into_id is not None:  # a merged duplicate: its URL leads to the survivor
                if organisation.merged_into_id not in index.organisations_with_pages(
                    db_session, [organisation.merged_into_id]
                ):
                    raise missing
                survivor = db_session.scalar(
                    select(Organisation.slug).where(Organisation.id == organisation.merged_into_id)
                )
                return Redirect(
                    url(request, "organisation", slug=survivor), status_code=HTTP_301_MOVED_PERMANENTLY
                )
            page = public_queries.organisation_page(db_session, organisation, dt.datetime.now(dt.UTC))
            # One statement for this page and the divisions and earlier names it would link (the parent and
            # the later names have pages whenever this one has).
            related = {organisation.id, *(other.id for other in (*page.children, *page.predecessors))}
            with_pages = index.organisations_with_pages(db_session, related)
            if organisation.id not in with_pages:
                raise missing
            return render_page(request, "public/people/organisation.html", page=page, with_pages=with_pages)

        return await page_cache.respond(request, render)
