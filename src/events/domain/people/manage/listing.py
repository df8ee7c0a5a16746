"""The query string of the directory's listings (people and organisations share their filters)."""

from __future__ import annotations

from litestar import Request

from ....models import OrganisationKind, as_id
from ....web.forms import page_number
from ..search import PEOPLE_SORTS, SHOW, DirectoryQuery


def directory_query(request: Request) -> DirectoryQuery:
    params = request.query_params
    return DirectoryQuery(
        q=(params.get("q") or "").strip()[:200],
        # A link from an organisation's page filters by its id (the filter's text field takes a name).
        organisation_id=as_id(params.get("organisation", "")),
        kind=params.get("kind", "") if params.get("kind") in {k.value for k in OrganisationKind} else "",
        jurisdiction=(params.get("jurisdiction") or "").strip(),
        show=params.get("show", "") if params.get("show") in SHOW else "",
        sort=params.get("sort", "name") if params.get("sort") in PEOPLE_SORTS else "name",
        page=page_number(params.get("page", "1")),
    )
