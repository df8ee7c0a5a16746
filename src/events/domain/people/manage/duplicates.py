"""/manage/duplicates: the review queue of likely duplicates, pair by pair."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ....i18n import gettext, ngettext
from ....models import DuplicateKind
from ....web.deps import Db
from ....web.forms import page_number
from ....web.urls import url
from ...accounts.auth import actor_of, staff_only
from .. import deps, duplicates, queries
from ..search import count_by
from .merging import RECORDS

SUGGESTIONS_PER_PAGE = 25


class DuplicatesReview(Controller):
    path = "/manage/duplicates"
    guards = [staff_only]
    include_in_schema = False
    dependencies = {"suggestion": deps.open_suggestion}

    @get("/", name="manage_duplicates")
    async def queue(self, request: Request, db: Db) -> Template:
        kind = (
            DuplicateKind.ORGANISATION
            if request.query_params.get("kind") == "organisation"
            else DuplicateKind.PERSON
        )
        page = page_number(request.query_params.get("page"))
        total, suggestions = await queries.open_suggestions(
            db, kind, SUGGESTIONS_PER_PAGE, (page - 1) * SUGGESTIONS_PER_PAGE
        )
        ids = {i for s in suggestions for i in (s.first_id, s.second_id)}
        records = RECORDS[kind]
        found = await queries.records_by_id(db, records.model, ids)
        return Template(
            "manage/people/duplicates.html",
            context={
                "kind": kind.value,
                "suggestions": [
                    (s, found[s.first_id], found[s.second_id])
                    for s in suggestions
                    if s.first_id in found and s.second_id in found
                ],
                "talks": await count_by(db, records.talks_column, list(ids)),
                "total": total,
                "page": page,
                "pages": max(1, -(-total // SUGGESTIONS_PER_PAGE)),
            },
        )

    @post("/{suggestion_id:int}/dismiss", name="manage_duplicate_dismiss")
    async def dismiss(self, request: Request, suggestion: deps.SuggestionDep, db: Db) -> Redirect:
        await duplicates.dismiss(db, actor_of(request), suggestion)
        flash(
            request,
            gettext("Marked as not the same; this pair will not be suggested again."),
            category="success",
        )
        return Redirect(url(request, "manage_duplicates", query={"kind": suggestion.kind.value}))

    @post("/scan", name="manage_duplicates_scan")
    async def scan(self, request: Request, db: Db) -> Redirect:
        count = await duplicates.rescan(db)
        message = ngettext(
            "Scanned the whole directory: %(num)d open suggestion.",
            "Scanned the whole directory: %(num)d open suggestions.",
            count,
        )
        flash(request, message % {"num": count}, category="success")
        return Redirect(url(request, "manage_duplicates"))
