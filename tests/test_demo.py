"""`events demo`: the seed event as data, idempotent, with real PDF slides stored like any upload."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from events.demo import load_demo
from events.models import (
    AuditEntry,
    EventSession,
    LearningEvent,
    Material,
    MaterialVersion,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    Topic,
)

COUNTED = (
    Organisation,
    Person,
    Topic,
    LearningEvent,
    EventSession,
    Presentation,
    SpeakerLink,
    Material,
    MaterialVersion,
    AuditEntry,
)


async def _counts(session, _storage):
    return {
        model.__name__: await session.scalar(select(func.count()).select_from(model)) for model in COUNTED
    }


def test_loading_twice_changes_nothing(db):
    assert db.run(load_demo) is True
    first = db.run(_counts)
    files = sorted(p.name for p in db.settings.storage_dir.rglob("*") if p.is_file())
    assert db.run(load_demo) is False
    assert db.run(_counts) == first
    assert sorted(p.name for p in db.settings.storage_dir.rglob("*") if p.is_file()) == files
    assert first["Presentation"] == 5 and first["EventSession"] == 2 and first["Person"] == 7
    assert first["MaterialVersion"] == 5 and len(files) == 5


def test_the_seed_facts_are_data(demo):
    async def facts(session, _storage):
        event = await session.scalar(
            select(LearningEvent).options(
                selectinload(LearningEvent.topics),
                selectinload(LearningEvent.sessions).selectinload(EventSession.host_organisation),
                selectinload(LearningEvent.presentations)
                .selectinload(Presentation.speaker_links)
                .options(selectinload(SpeakerLink.person), selectinload(SpeakerLink.organisation)),
            )
        )
        organisations = {
            o.acronym: o.name for o in (await session.scalars(select(Organisation))).all() if o.acronym
        }
        return event, organisations

    event, organisations = demo.run(facts)
    assert (event.start_date.isoformat(), event.city, event.region) == (
        "2003-09-22",
        "Fredericton",
        "New Brunswick",
    )
    assert "Public Sector Service Delivery Council" in event.host
    assert [t.title for t in event.topics] == ["Integrated Service Delivery"]
    assert [(s.title, s.host_organisation.name) for s in event.sessions] == [
        ("Interjurisdictional Projects", "National Research Council Canada"),
        ("Service New Brunswick Update", "Service New Brunswick"),
    ]
    by_session = [[p.title for p in event.presentations if p.session_id == s.id] for s in event.sessions]
    assert [len(titles) for titles in by_session] == [3, 2]
    assert organisations["SNB"] == "Service New Brunswick"
    assert organisations["CCRA"] == "Canada Customs and Revenue Agency"
    links = {link.person.full_name: link for p in event.presentations for link in p.speaker_links}
    assert set(links) == {
        "Brian Nussey",
        "Cary O'Brien",
        "Ron Smith",
        "Bill Todd",
        "Ernest MacGillivray",
        "Mike McKendy",
        "Bernie Arseneau",
    }
    assert links["Mike McKendy"].job_title == "Vice President, Operations"
    assert links["Bernie Arseneau"].job_title == "Director, Electronic Services Division"
    assert links["Bill Todd"].organisation.name == "City of Saint John"
    assert links["Ernest MacGillivray"].organisation.name == "Department of Environment and Local Government"
    assert links["Cary O'Brien"].organisation.acronym == "CCRA"


def test_each_deck_is_a_real_pdf_naming_its_talk_and_speakers(demo):
    async def versions(session, _storage):
        rows = await session.execute(
            select(MaterialVersion, Presentation)
            .join(Material, Material.id == MaterialVersion.material_id)
            .join(Presentation, Presentation.id == Material.presentation_id)
            .options(selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person))
        )
        return rows.all()

    rows = demo.run(versions)
    assert len(rows) == 5
    for version, presentation in rows:
        data = (demo.settings.storage_dir / version.storage_key).read_bytes()
        assert len(data) == version.size
        assert hashlib.sha256(data).hexdigest() == version.sha256
        assert version.content_type == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        text = " ".join(text.split())
        assert presentation.title in text
        for link in presentation.speaker_links:
            assert link.person.full_name in text
    sizes = sorted(round(version.size / 1024) for version, _ in rows)
    # Padded to about the sizes of the 2003 files: 228, 391, 807, 1907 and 2213 KB.
    for size, original in zip(sizes, [228, 391, 807, 1907, 2213], strict=True):
        assert abs(size - original) <= original * 0.02


def test_a_failure_half_way_leaves_nothing_in_the_database_or_on_disk(db, monkeypatch):
    from events.domain.events import service as events

    async def broken(*_args, **_kwargs):
        raise RuntimeError("injected failure before publishing")

    monkeypatch.setattr(events, "set_event_status", broken)
    try:
        db.run(load_demo)
    except RuntimeError as error:
        assert "injected" in str(error)
    else:
        raise AssertionError("the injected failure did not surface")
    assert set(db.run(_counts).values()) == {0}
    assert [p for p in db.settings.storage_dir.rglob("*") if p.is_file()] == []
