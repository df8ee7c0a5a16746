"""Public pages of speakers and organisations: their history across events."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import HTTP_301_MOVED_PERMANENTLY
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Person
from ...web.deps import PageCacheDep
from ...web.page_cache import public_page
from ...web.templating import render_page
from . import service


class PeoplePages(Controller):
    @public_page("/speakers/{slug:str}", name="speaker")
    async def speaker(
        self,
        request: Request,
        slug: FromPath[str],
        page_cache: PageCacheDep,
    ) -> Response:
        def render(db_session: Session) -> str | Response:
            person = service.person_by_slug(db_session, slug)
            if person is None:
                raise NotFoundException(f"No speaker is called {slug!r}.")
            if person.merged_into_id is not None:  # a merged duplicate: its old URL leads to the survivor
                survivor = db_session.scalar(select(Person.slug).where(Person.id == person.merged_into_id))
                return Redirect(f"/speakers/{survivor}", status_code=HTTP_301_MOVED_PERMANENTLY)
            history = service.person_history(db_session, person, dt.datetime.now(dt.UTC))
            return render_page(request, "public/speaker.html", person=person, history=history)

        return await page_cache.respond(request, render)

    @public_page("/organisations/{slug:str}", name="organisation")
    async def organisation(
        self,
        request: Request,
        slug: FromPath[str],
        page_cache: PageCacheDep,
    ) -> Response:
        def render(db_session: Session) -> str:
            page = service.organisation_page(db_session, slug, dt.datetime.now(dt.UTC))
            if page is None:
                raise NotFoundException(f"No organisation is called {slug!r}.")
            return render_page(request, "public/organisation.html", page=page)

        return await page_cache.respond(request, render)
