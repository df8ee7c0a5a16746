"""Public pages of events and topics: no login, drafts invisible (404)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy.orm import Session

from ...i18n import _
from ...web.deps import PageCacheDep
from ...web.page_cache import PageCache, public_page
from ...web.templating import render_page
from . import public_queries as queries


class EventPages(Controller):
    @public_page("/", name="home")
    async def home(self, request: Request, page_cache: PageCacheDep) -> Response:
        def render(db_session: Session) -> str:
            today = dt.datetime.now(dt.UTC).date()
            upcoming = queries.public_events(db_session, upcoming_from=today)
            recent = queries.public_events(db_session, before=today, limit=10)
            return render_page(request, "public/events/home.html", upcoming=upcoming, recent=recent)

        return await page_cache.respond(request, render)

    @public_page("/events", name="events")
    async def index(self, request: Request, page_cache: PageCacheDep) -> Response:
        def render(db_session: Session) -> str:
            events = queries.public_events(db_session)
            return render_page(request, "public/events/events.html", events=events)

        return await page_cache.respond(request, render)

    @public_page("/events/{slug:str}", name="event")
    async def event(self, request: Request, slug: FromPath[str], page_cache: PageCacheDep) -> Response:
        return await self._listing(request, slug, page_cache, print_view=False)

    @public_page("/events/{slug:str}/print", name="event_print")
    async def event_print(self, request: Request, slug: FromPath[str], page_cache: PageCacheDep) -> Response:
        return await self._listing(request, slug, page_cache, print_view=True)

    async def _listing(
        self, request: Request, slug: str, page_cache: PageCache, *, print_view: bool
    ) -> Response:
        def render(db_session: Session) -> str:
            listing = queries.event_listing(db_session, slug, dt.datetime.now(dt.UTC))
            if listing is None:
                raise NotFoundException(_("No published event is called “%(slug)s”.") % {"slug": slug})
            return render_page(request, "public/events/event.html", listing=listing, print_view=print_view)

        return await page_cache.respond(request, render)

    @public_page("/topics/{slug:str}", name="topic")
    async def topic(
        self,
        request: Request,
        slug: FromPath[str],
        page_cache: PageCacheDep,
    ) -> Response:
        def render(db_session: Session) -> str:
            found = queries.topic_by_slug(db_session, slug)
            if found is None:
                raise NotFoundException(_("No topic is called “%(slug)s”.") % {"slug": slug})
            topic, events = found
            return render_page(request, "public/events/topic.html", topic=topic, events=events)

        return await page_cache.respond(request, render)
