"""Accounts: the reads of the management pages (users and their grants) and of the guards."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...models import EventGrant, LearningEvent, User


async def users_with_grants(session: AsyncSession) -> tuple[list[User], dict[int, list[str]]]:
    """Every user by e-mail address, and the titles of the events each is granted."""
    users = list(await session.scalars(select(User).order_by(User.email)))
    grants: dict[int, list[str]] = {}
    for user_id, title in await session.execute(
        select(EventGrant.user_id, LearningEvent.title).join(
            LearningEvent, LearningEvent.id == EventGrant.event_id
        )
    ):
        grants.setdefault(user_id, []).append(title)
    return users, grants


async def granted_event_ids(session: AsyncSession, user_id: int) -> frozenset[int]:
    rows = await session.scalars(select(EventGrant.event_id).where(EventGrant.user_id == user_id))
    return frozenset(rows)


async def grantable_events(session: AsyncSession) -> list[LearningEvent]:
    """The events a user may be granted (those not deleted), latest first."""
    return list(
        await session.scalars(
            select(LearningEvent)
            .where(LearningEvent.deleted_at.is_(None))
            .order_by(LearningEvent.start_date.desc())
        )
    )


async def count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0
