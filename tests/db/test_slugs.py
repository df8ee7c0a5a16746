"""Two records with the same name made at the same moment both get a web address: no 500."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from events.db import sqlalchemy_config
from events.db.slugs import free_slug
from events.models import Organisation


def test_two_organisations_named_alike_at_once_both_get_a_slug(settings):
    async def race() -> list[str]:
        config = sqlalchemy_config(settings)
        sessions = config.create_session_maker()
        both_looked = asyncio.Barrier(2)

        async def create() -> None:
            async with sessions() as session, session.begin():
                slug = await free_slug(session, Organisation, "public-health-agency")
                try:  # let the other transaction look too, if it can (it cannot while the slug is claimed)
                    await asyncio.wait_for(both_looked.wait(), timeout=0.5)
                except TimeoutError:
                    pass
                session.add(Organisation(name="Public Health Agency", slug=slug))

        try:
            await asyncio.gather(create(), create())
            async with sessions() as session:
                return sorted(await session.scalars(select(Organisation.slug)))
        finally:
            await config.get_engine().dispose()

    assert asyncio.run(race()) == ["public-health-agency", "public-health-agency-2"]
