"""Accounts: every write of users, grants and sign-ins (each audited), and password checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...models import (
    EventGrant,
    LearningEvent,
    LoginThrottle,
    Person,
    Presentation,
    Role,
    UploadInvitation,
    User,
)
from ..audit import Actor, created_fields, record

_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so that both answers take the same time.
_DUMMY_HASH = _hasher.hash("not a password anyone has")

MIN_PASSWORD_LENGTH = 10
FREE_FAILURES = 5  # failed sign-ins allowed before waiting is imposed
FIRST_WAIT = dt.timedelta(seconds=30)  # doubled with each further failure ...
LONGEST_WAIT = dt.timedelta(minutes=15)  # ... up to this
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccountError(ValueError):
    """A user-facing reason why an account change was refused."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> User:
    email = normalise_email(email)
    if not _EMAIL.fullmatch(email):
        raise AccountError(f"{email!r} is not an e-mail address.")
    if await session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"There is already an account for {email}.")
    user = User(email=email, password_hash=hash_password(password), role=role, display_name=display_name)
    session.add(user)
    await session.flush()
    record(session, actor, "create", user, summary=f"Created {role.value} account {email}",
           changes=created_fields(email=email, role=role, display_name=display_name))  # fmt: skip
    return user


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    message: str | None = None  # why not, for the sign-in page
    wait: dt.timedelta | None = None  # how long until the next try is allowed


def _wait_after(failures: int) -> dt.timedelta | None:
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)


def _minutes(wait: dt.timedelta) -> str:
    seconds = max(int(wait.total_seconds()), 1)
    return f"{seconds} seconds" if seconds < 90 else f"{round(seconds / 60)} minutes"


async def sign_in(
    session: AsyncSession, *, email: str, password: str, address: str, now: dt.datetime
) -> SignInResult:
    """Check a password, slowing down guessing per account and per address.

    Failures are counted even though the sign-in fails: the caller commits in both cases.
    """
    email = normalise_email(email)
    keys = [f"account:{email}", f"address:{address}"]
    throttles = {
        t.key: t for t in await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    }
    blocked = [t for t in throttles.values() if t.blocked_until and t.blocked_until > now]
    if blocked:
        wait = max(t.blocked_until for t in blocked) - now
        scope = "this account" if blocked[0].key.startswith("account:") else "your address"
        return SignInResult(
            None, f"Too many failed sign-ins for {scope}. Please wait {_minutes(wait)} and try again.", wait
        )

    user = await session.scalar(select(User).where(User.email == email))
    try:
        valid = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid or not user.is_active:
        longest = None
        for key in keys:
            throttle = throttles.get(key) or LoginThrottle(key=key, failures=0)
            session.add(throttle)
            throttle.failures += 1
            wait = _wait_after(throttle.failures)
            if wait:
                throttle.blocked_until = now + wait
                longest = max(longest or wait, wait)
        message = "The e-mail address or the password is not right."
        if longest:
            message += f" After repeated failures, the next try is possible in {_minutes(longest)}."
        return SignInResult(None, message, longest)

    if throttles:
        await session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    record(session, Actor(user_id=user.id), "sign in", user, summary=f"{email} signed in")
    return SignInResult(user)


async def set_grant(
    session: AsyncSession, actor: Actor, user: User, event: LearningEvent, *, granted: bool
) -> None:
    existing = await session.scalar(
        select(EventGrant).where(EventGrant.user_id == user.id, EventGrant.event_id == event.id)
    )
    if granted and existing is None:
        session.add(EventGrant(user_id=user.id, event_id=event.id))
    elif not granted and existing is not None:
        await session.delete(existing)
    else:
        return
    await session.flush()
    record(session, actor, "grant" if granted else "revoke", user, event_id=event.id,
           summary=f"{'Granted' if granted else 'Revoked'} {user.email} on {event.title}")  # fmt: skip


async def granted_event_ids(session: AsyncSession, user_id: int) -> frozenset[int]:
    rows = await session.scalars(select(EventGrant.event_id).where(EventGrant.user_id == user_id))
    return frozenset(rows)


async def count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


# --- upload invitations -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invitation(
    session: AsyncSession,
    actor: Actor,
    presentation: Presentation,
    *,
    expires_at: dt.datetime,
    person: Person | None = None,
) -> tuple[UploadInvitation, str]:
    """An upload link for one presentation; the token is returned once and only its hash is kept."""
    if expires_at <= dt.datetime.now(dt.UTC):
        raise AccountError("The link must be valid until a date in the future.")
    token = secrets.token_urlsafe(32)
    invitation = UploadInvitation(
        presentation_id=presentation.id,
        person_id=person.id if person else None,
        token_hash=_token_hash(token),
        expires_at=expires_at,
        created_by_id=actor.user_id,
    )
    session.add(invitation)
    await session.flush()
    record(session, actor, "invite", invitation, event_id=presentation.event_id,
           summary=f"Created an upload link for {presentation.title}" + (f" addressed to {person.full_name}" if person else ""),
           changes=created_fields(presentation_id=presentation.id, person_id=invitation.person_id, expires_at=expires_at))  # fmt: skip
    return invitation, token


async def revoke_invitation(
    session: AsyncSession, actor: Actor, invitation: UploadInvitation, *, event_id: int
) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = dt.datetime.now(dt.UTC)
        record(session, actor, "revoke", invitation, event_id=event_id, summary="Revoked an upload link")
        await session.flush()


async def valid_invitation(session: AsyncSession, token: str, now: dt.datetime) -> UploadInvitation | None:
    """The live invitation behind a token, or None (unknown, revoked, expired, or its talk deleted)."""
    if not token or len(token) > 200:
        return None
    invitation = await session.scalar(
        select(UploadInvitation)
        .where(UploadInvitation.token_hash == _token_hash(token))
        .options(selectinload(UploadInvitation.presentation), selectinload(UploadInvitation.person))
    )
    if invitation is None or invitation.revoked_at is not None or invitation.expires_at <= now:
        return None
    if invitation.presentation.deleted_at is not None:
        return None
    return invitation


async def lock_live_invitation(session: AsyncSession, invitation_id: int, now: dt.datetime) -> bool:
    """Whether the invitation is still live, read again with its row locked until the transaction ends.

    Uploads through one link wait for each other here, so that what they check once their bodies have
    arrived (the link not revoked or expired meanwhile, its quota not used up) stays true until they commit.
    """
    # An UPDATE locks the row on PostgreSQL and takes SQLite's write lock (SQLite has no SELECT ... FOR
    # UPDATE); what it writes is when the link was last used.
    await session.execute(
        update(UploadInvitation).where(UploadInvitation.id == invitation_id).values(updated_at=now)
    )
    row = (
        await session.execute(
            select(UploadInvitation.revoked_at, UploadInvitation.expires_at, Presentation.deleted_at)
            .join(Presentation, Presentation.id == UploadInvitation.presentation_id)
            .where(UploadInvitation.id == invitation_id)
        )
    ).one_or_none()
    return row is not None and row.revoked_at is None and row.expires_at > now and row.deleted_at is None
