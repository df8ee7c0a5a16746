"""The request's transaction keeps a handler's writes only when the answer is a success: a handler that
caught a refusal and answered with an error page leaves nothing of what it wrote before."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath
from litestar.testing import TestClient
from sqlalchemy import select

from events.app import create_app
from events.models import Organisation
from events.web.deps import Db


@get("/test-only/write-then-answer/{status:int}")
async def write_then_answer(db: Db, status: FromPath[int]) -> Response:
    db.add(Organisation(name=f"Written before answering {status}", slug=f"written-{status}"))
    await db.flush()  # the row exists in the transaction, as after a service's first statement
    return Response(content="answered", status_code=status, media_type="text/plain")


def _organisations(db) -> list[str]:
    async def names(session, _storage):
        return list(await session.scalars(select(Organisation.name).order_by(Organisation.name)))

    return db.run(names)


def test_an_error_answer_rolls_back_what_the_handler_wrote(settings, db):
    app = create_app(settings)
    app.register(write_then_answer)
    with TestClient(app) as client:
        for status in (400, 409, 422, 503):
            assert client.get(f"/test-only/write-then-answer/{status}").status_code == status
        assert _organisations(db) == []
        assert client.get("/test-only/write-then-answer/200").status_code == 200
        # the next request starts afresh: an earlier error answer does not leak into it
    assert _organisations(db) == ["Written before answering 200"]
