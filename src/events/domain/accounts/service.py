"""Accounts: every write of users, grants and sign-ins (each audited), and password checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import anyio
from advanced_alchemy.operations import OnConflictUpsert
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, apply_changes, created_fields, record
from ...i18n import LOCALES, gettext, ngettext
from ...models import (
    EventGrant,
    LearningEvent,
    LoginThrottle,
    Role,
    User,
    UserSession,
)

_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so that both answers take the same time.
_DUMMY_HASH = _hasher.hash("not a password anyone has")

MIN_PASSWORD_LENGTH = 10
FREE_FAILURES = 5  # failed sign-ins allowed per account before waiting is imposed
# An address is often a whole office behind one gateway, whose people sign in at the same moments (each
# attempt counts until its password is checked): it is allowed more before it waits.
FREE_FAILURES_PER_ADDRESS = 20
FIRST_WAIT = dt.timedelta(seconds=30)  # doubled with each further failure ...
LONGEST_WAIT = dt.timedelta(minutes=15)  # ... up to this
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccountError(ValueError):
    """A user-facing reason why an account change was refused."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            gettext("Passwords need at least %(count)d characters.") % {"count": MIN_PASSWORD_LENGTH}
        )
    return _hasher.hash(password)


# argon2 takes a tenth of a second of CPU or more by design. Run on the event loop it would stall every
# other request of the worker meanwhile (and any database lock one of them holds): it runs in a thread,
# and argon2-cffi releases the GIL while it hashes.
async def _hash_in_thread(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _account_key(email: str) -> str:
    """The throttle key of an account; an address longer than any account's is keyed by its hash."""
    if len(email) > User.__table__.c.email.type.length:
        return "account:#" + hashlib.sha256(email.encode()).hexdigest()
    return f"account:{email}"


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
        raise AccountError(gettext("“%(email)s” is not an e-mail address.") % {"email": email})
    if await session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(gettext("There is already an account for %(email)s.") % {"email": email})
    user = User(
        email=email, password_hash=await _hash_in_thread(password), role=role, display_name=display_name
    )
    session.add(user)
    await session.flush()
    record(session, actor, "create", user, summary=f"Created {role.value} account {email}",
           changes=created_fields(email=email, role=role, display_name=display_name))  # fmt: skip
    return user


async def update_user(
    session: AsyncSession, actor: Actor, user: User, *, role: Role, is_active: bool, display_name: str | None
) -> None:
    """Edit an account. A change of role or of access ends the user's sessions: they sign in again.

    Nobody takes away their own administrator rights or deactivates themselves (an AccountError):
    the last administrator could lock everyone out.
    """
    if user.id == actor.user_id and (role is not Role.ADMIN or not is_active):
        raise AccountError(
            gettext("You cannot take away your own administrator rights or deactivate yourself.")
        )
    changes = apply_changes(user, role=role, is_active=is_active, display_name=display_name)
    if not changes:
        return
    record(session, actor, "update", user, summary=f"Edited the account {user.email}", changes=changes)
    if "role" in changes or "is_active" in changes:
        await session.execute(delete(UserSession).where(UserSession.user_id == user.id))


async def set_language(session: AsyncSession, actor: Actor, user: User, language: str | None) -> bool:
    """The language the management pages speak to ``user``: "en", "fr", or None to follow the browser.
    Returns whether it changed."""
    changes = apply_changes(user, language=_language(language))
    if changes:
        record(session, actor, "update", user, summary=f"Language of {user.email}", changes=changes)
    return bool(changes)


def _language(language: str | None) -> str | None:
    if language and language not in LOCALES:
        raise AccountError(gettext("That language is not one of the site's."))
    return language or None


async def end_session(session: AsyncSession, session_id: str | None) -> None:
    """Sign out: the stored session is deleted, so its cookie is worth nothing from now on."""
    if session_id:
        await session.execute(delete(UserSession).where(UserSession.session_id == session_id))


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    message: str | None = None  # why not, for the sign-in page
    wait: dt.timedelta | None = None  # how long until the next try is allowed


def _wait_after(failures: int, free: int) -> dt.timedelta | None:
    if failures < free:
        return None
    return min(FIRST_WAIT * 2 ** (failures - free), LONGEST_WAIT)


def _minutes(wait: dt.timedelta) -> str:
    seconds = max(int(wait.total_seconds()), 1)
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds) % {"num": seconds}
    minutes = round(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}


async def sign_in(
    session: AsyncSession, *, email: str, password: str, address: str, now: dt.datetime
) -> SignInResult:
    """Check a password, slowing down guessing per account and per address.

    The attempt is counted as a failure, and committed, before the password is checked: parallel
    guesses cannot share one reading of the counters. A success then takes its count back.
    """
    email = normalise_email(email)
    account_key, address_key = _account_key(email), f"address:{address[:200]}"
    blocked_key, wait = await _count_attempt(session, [account_key, address_key], now)
    if blocked_key:
        message = (
            gettext("Too many failed sign-ins for this account. Please wait %(wait)s and try again.")
            if blocked_key == account_key
            else gettext("Too many failed sign-ins for your address. Please wait %(wait)s and try again.")
        )
        return SignInResult(None, message % {"wait": _minutes(wait)}, wait)

    user = await session.scalar(select(User).where(User.email == email))
    known_hash = user.password_hash if user else _DUMMY_HASH
    valid = await anyio.to_thread.run_sync(_password_matches, known_hash, password) and user is not None
    if not valid or not user.is_active:
        message = gettext("The e-mail address or the password is not right.")
        if wait:
            message = gettext(
                "The e-mail address or the password is not right. After repeated failures, the next try is "
                "possible in %(wait)s."
            ) % {"wait": _minutes(wait)}
        return SignInResult(None, message, wait)

    # A success resets the account's count, and does not count against the address. The address is
    # unblocked too: it was not blocked when this attempt was counted, so any block is this attempt's.
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == address_key)
        .values(failures=LoginThrottle.failures - 1, blocked_until=None)
    )
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await _hash_in_thread(password)
    user.last_login_at = now
    record(session, Actor(user_id=user.id), "sign in", user, summary=f"{email} signed in")
    return SignInResult(user)


async def _count_attempt(
    session: AsyncSession, keys: list[str], now: dt.datetime
) -> tuple[str | None, dt.timedelta | None]:
    """Count a sign-in attempt as failed on every key, unless one of them is blocked, and commit.

    The keys' rows are locked from the first statement to the commit (PostgreSQL: FOR UPDATE, in key
    order; SQLite: the write lock that the INSERT takes), so parallel attempts are counted one after
    the other. Returns the key that refuses the attempt and the time left, or no key and the wait
    that this attempt imposes if it fails.
    """
    keys = sorted(keys)
    await session.execute(
        OnConflictUpsert.create_upsert_many(
            LoginThrottle.__table__,
            [{"key": key, "failures": 0} for key in keys],
            conflict_columns=["key"],
            update_columns=[],  # insert the missing ones, leave the others alone
            dialect_name=session.get_bind().dialect.name,
            model_type=LoginThrottle,
        )
    )
    throttles = list(
        await session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    blocked = [t for t in throttles if t.blocked_until and t.blocked_until > now]
    longest = None
    if not blocked:
        for throttle in throttles:
            throttle.failures += 1
            free = FREE_FAILURES_PER_ADDRESS if throttle.key.startswith("address:") else FREE_FAILURES
            if wait := _wait_after(throttle.failures, free):
                throttle.blocked_until = now + wait
                longest = max(longest or wait, wait)
    await session.commit()
    if blocked:
        last = max(blocked, key=lambda t: t.blocked_until)
        return last.key, last.blocked_until - now
    return None, longest


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


async def set_grants(session: AsyncSession, actor: Actor, user: User, event_ids: Iterable[int]) -> None:
    """The user organises exactly the events of ``event_ids`` among those not deleted (grants on
    deleted events are kept, ids of no event are ignored): one INSERT and one DELETE whatever the number
    of events, and an audit entry per event granted or revoked."""
    wanted = set(event_ids)
    rows = (
        await session.execute(
            select(LearningEvent.id, LearningEvent.title, EventGrant.id.is_not(None))
            .outerjoin(
                EventGrant, and_(EventGrant.event_id == LearningEvent.id, EventGrant.user_id == user.id)
            )
            .where(LearningEvent.deleted_at.is_(None))
            .order_by(LearningEvent.id)
        )
    ).all()
    granted = [(event_id, title) for event_id, title, has in rows if event_id in wanted and not has]
    revoked = [(event_id, title) for event_id, title, has in rows if event_id not in wanted and has]
    if granted:  # an admin saving the same page at the same moment has inserted them: nothing to do
        await session.execute(
            OnConflictUpsert.create_upsert_many(
                EventGrant.__table__,
                [{"user_id": user.id, "event_id": event_id} for event_id, _ in granted],
                conflict_columns=["user_id", "event_id"],
                update_columns=[],
                dialect_name=session.get_bind().dialect.name,
                model_type=EventGrant,
            )
        )
    if revoked:
        await session.execute(
            delete(EventGrant).where(
                EventGrant.user_id == user.id, EventGrant.event_id.in_([event_id for event_id, _ in revoked])
            )
        )
    for changed, action, verb in ((granted, "grant", "Granted"), (revoked, "revoke", "Revoked")):
        for event_id, title in changed:
            record(session, actor, action, user, event_id=event_id, summary=f"{verb} {user.email} on {title}")
