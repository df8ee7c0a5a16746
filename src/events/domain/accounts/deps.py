"""Dependencies of the accounts pages: the user named by the path."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from ...i18n import gettext
from ...models import User
from ...web.deps import Db


async def provide_account(user_id: FromPath[int], db: Db) -> User:
    """The user of ``{user_id}`` in the path, or 404."""
    user = await db.get(User, user_id)
    if user is None:
        raise NotFoundException(gettext("There is no such user."))
    return user


account = Provide(provide_account)

Account = NamedDependency[User]  # ``account``: the user of the path
