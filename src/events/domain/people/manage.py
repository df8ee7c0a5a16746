"""Management of the directory of people and organisations (under /manage, council staff)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from ...web.deps import Db
from ..accounts.auth import signed_in
from . import service


class DirectoryManagement(Controller):
    path = "/manage"
    guards = [signed_in]
    include_in_schema = False

    @get("/people/search", name="manage_people_search")
    async def people_search(self, db: Db, q: FromQuery[str] = "") -> Template:
        """Type-ahead: the directory entries matching what was typed, as a fragment of a form."""
        return Template(
            "manage/partials/people_matches.html",
            context={"matches": await service.search_people(db, q), "q": q},
        )
