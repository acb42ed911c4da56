"""Erasure on request: DELETE /api/conversations/{id} removes the conversation from the bridge
database and from Rasa's tracker store, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.core.db import get_engine, get_sessionmaker
from bridge.core.logging import configure_logging
from bridge.models import AuditLog, CaseSummary, Conversation, HandoffCase
from bridge.privacy.erasure import SUMMARY_FIELDS, summary_intake
from bridge.privacy.tracker_store import RasaTrackerStore, tracker_store_url
from tests.bridge.conftest import STAFF_TOKEN
from tests.bridge.factories import UWV_INTAKE, login, make_case, make_staff
from tests.bridge.tracker_support import TrackerDB, cells_containing, new_id, rasa_tracker_store, tracker_db  # noqa: F401

USER_TEXT = "Ik ben mijn baan kwijt"  # what make_case sends
PHONE = "0612345678"
CONTACT_INTAKE = {**UWV_INTAKE, "contact": {"naam": "Fatima Yilmaz", "telefoon": PHONE}}


@pytest.fixture
def app_client(tracker_db: TrackerDB, client: TestClient) -> TestClient:
    """The bridge test client, configured with the test tracker store (set up before the app)."""
    return client


def _close_case(client: TestClient, case_id: str, email: str = "sanne@uwv.example") -> None:
    make_staff("UWV", email)
    csrf = login(client, email)
    response = client.post(
        f"/api/staff/cases/{case_id}/close",
        json={"outcome": "geholpen", "note": "Belt Fatima dinsdag terug"},
        headers=csrf,
    )
    assert response.status_code == 200, response.text
    client.post("/api/staff/logout", headers=csrf)
    client.cookies.clear()


def test_delete_leaves_nothing_of_the_conversation_in_bridge_or_tracker_store(
    app_client: TestClient,
    tracker_db: TrackerDB,
) -> None:
    client = app_client
    erased, erased_case = make_case(client, CONTACT_INTAKE)
    client.post(f"/api/conversations/{erased}/messages", json={"text": "Mijn nummer is 06-98765432"})
    _close_case(client, erased_case)
    kept, kept_case = make_case(client, UWV_INTAKE)
    tracker_db.add_events(erased, [USER_TEXT, "Wat vervelend. In welke gemeente woont u?"])
    tracker_db.add_events(kept, [USER_TEXT, "Wat vervelend."])
    assert client.get(f"/api/conversations/{erased}").status_code == 200

    response = client.delete(f"/api/conversations/{erased}")

    assert response.status_code == 204
    assert response.content == b""
    # The bridge database: no cell anywhere holds the id, the contact details or the staff note.
    assert cells_containing(get_engine(), [erased, PHONE, "Fatima", "Belt Fatima"]) == []
    assert client.get(f"/api/conversations/{erased}").status_code == 404
    assert client.post(f"/api/conversations/{erased}/messages", json={"text": "nog iets"}).status_code == 404
    # Rasa's tracker store: all of its events are gone, the other conversation is untouched.
    assert tracker_db.count(erased) == 0
    assert not tracker_db.contains(erased)
    assert tracker_db.count(kept) == 3
    with get_sessionmaker()() as session:
        assert session.get(Conversation, kept) is not None
        assert session.get(HandoffCase, kept_case) is not None
        # The closed case stays as a summary: intake facts and outcome, no link, no free text.
        summary = session.get(CaseSummary, erased_case)
        assert summary is not None
        assert summary.outcome == "geholpen"
        assert summary.queue == "UWV"
        assert summary.intake == {k: v for k, v in UWV_INTAKE.items() if k in SUMMARY_FIELDS}
        # The audit log keeps who did what with the case, without the conversation id.
        actions = session.scalars(select(AuditLog.action).where(AuditLog.case_id == erased_case)).all()
        assert "close" in actions


def test_delete_is_idempotent_and_does_not_tell_whether_a_conversation_existed(
    app_client: TestClient,
    tracker_db: TrackerDB,
) -> None:
    client = app_client
    conversation_id = client.post("/api/conversations").json()["id"]
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Hallo"})
    tracker_db.add_events("not-a-bridge-id", ["Hallo"])

    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    assert client.delete(f"/api/conversations/{new_id()}").status_code == 204
    # An id that cannot be ours touches nothing, not even a Rasa tracker with that sender id.
    assert client.delete("/api/conversations/not-a-bridge-id").status_code == 204
    assert tracker_db.count("not-a-bridge-id") == 2


def test_a_tracker_left_behind_is_erased_on_a_second_request(
    app_client: TestClient,
    tracker_db: TrackerDB,
) -> None:
    """Rasa may store a tracker after the bridge forgot the conversation (a reply in flight)."""
    client = app_client
    conversation_id = client.post("/api/conversations").json()["id"]
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    tracker_db.add_events(conversation_id, ["late"])
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    assert tracker_db.count(conversation_id) == 0


def test_open_case_leaves_the_queue_without_a_summary(app_client: TestClient) -> None:
    client = app_client
    conversation_id, case_id = make_case(client, CONTACT_INTAKE)
    staff = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    assert [c["id"] for c in client.get("/api/handoffs", headers=staff).json()["data"]] == [case_id]

    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204

    assert client.get("/api/handoffs", headers=staff).json()["count"] == 0
    with get_sessionmaker()() as session:
        assert session.get(CaseSummary, case_id) is None
        assert session.get(HandoffCase, case_id) is None


def test_tracker_store_down_gives_503_and_a_retry_finishes_the_job(
    app_client: TestClient,
    tracker_db: TrackerDB,
) -> None:
    client = app_client
    conversation_id = client.post("/api/conversations").json()["id"]
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": USER_TEXT})
    tracker_db.add_events(conversation_id, [USER_TEXT])
    state = client.app.state  # type: ignore[attr-defined]
    real_store = state.tracker_store
    state.tracker_store = RasaTrackerStore("postgresql+psycopg://postgres@127.0.0.1:1/nergens")
    try:
        response = client.delete(f"/api/conversations/{conversation_id}")
    finally:
        state.tracker_store.close()
        state.tracker_store = real_store
    assert response.status_code == 503
    assert "Probeert u het zo nog eens" in response.json()["detail"]
    assert cells_containing(get_engine(), [conversation_id, USER_TEXT]) == []  # the bridge part is done
    assert tracker_db.count(conversation_id) == 2  # session_started + the user event

    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    assert tracker_db.count(conversation_id) == 0


def test_erasure_is_logged_as_ed5001_without_content(app_client: TestClient) -> None:
    client = app_client
    conversation_id = client.post("/api/conversations", json={"channel": "telegram"}).json()["id"]
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": USER_TEXT})
    stream = io.StringIO()
    handler = configure_logging(stream=stream)
    try:
        assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
        assert client.delete(f"/api/conversations/{new_id()}").status_code == 204  # nothing there: no event
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    erasures = [line for line in lines if line.get("event") == "ED-5001"]
    assert len(erasures) == 1
    assert erasures[0]["fields"]["channel"] == "telegram"
    assert erasures[0]["fields"]["trigger"] == "verzoek"
    assert erasures[0]["fields"]["conversation"] != conversation_id  # a pseudonym
    assert conversation_id not in stream.getvalue()
    assert USER_TEXT not in stream.getvalue()


def test_summary_intake_keeps_only_the_summary_fields() -> None:
    intake = {
        **CONTACT_INTAKE,
        "transcript_url": "/api/conversations/x",
        "sector": "zorg",
        "vrije_tekst": "lang verhaal",
        "regelingen": ["ww-scholing", 3],
    }
    summary = summary_intake(intake)
    assert set(summary) <= set(SUMMARY_FIELDS)
    assert "contact" not in summary and "transcript_url" not in summary
    assert summary["regelingen"] == ["ww-scholing"]
    assert summary["sector"] == "zorg"


def test_tracker_store_url_speaks_psycopg3(monkeypatch: pytest.MonkeyPatch) -> None:
    from bridge.core.config import Settings

    assert tracker_store_url(Settings(rasa_tracker_db="/tmp/x.db")) == "sqlite:////tmp/x.db"
    settings = Settings(rasa_tracker_store_url="postgresql://rasa:geheim@db:5432/elkedeur_rasa")
    assert tracker_store_url(settings) == "postgresql+psycopg://rasa:geheim@db:5432/elkedeur_rasa"


def test_missing_sqlite_tracker_file_is_not_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nog-geen-rasa.db"
    store = RasaTrackerStore(f"sqlite:///{path}")
    assert store.delete_senders([new_id()]) == 0
    assert store.idle_senders(datetime.now(UTC)) == []
    assert not path.exists()


def test_rasa_itself_no_longer_finds_the_erased_tracker(
    app_client: TestClient,
    tracker_db: TrackerDB,
) -> None:
    """Rasa 3.6's own SQLTrackerStore writes the tracker; after DELETE it cannot read it back."""
    client = app_client
    conversation_id = client.post("/api/conversations").json()["id"]
    other = new_id()
    written = rasa_tracker_store(tracker_db, "write", conversation_id)
    rasa_tracker_store(tracker_db, "write", other)
    assert written["events"] >= 5 and written["slots"]["gemeente"] == "Almere" and written["known"]

    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204

    after = rasa_tracker_store(tracker_db, "read", conversation_id)
    assert after == {"events": 0, "slots": {}, "known": False}
    assert rasa_tracker_store(tracker_db, "read", other)["known"] is True
    assert tracker_db.count(conversation_id) == 0
