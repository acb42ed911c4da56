"""Two bridge processes on one PostgreSQL database and one Redis: what happens on one reaches the other.

These tests do not need Rasa (handoffs come through the internal API, as the action server sends them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from websockets.sync.client import ClientConnection, connect

from bench.system import System
from bridge.api.staff_auth import SESSION_COOKIE
from bridge.services.staff import create_staff_account

pytestmark = pytest.mark.e2e

PASSWORD = "balie-test-wachtwoord-7Q"
INTAKE = {
    "rol": "werkgever",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "sector": "bouw",
    "behoefte": "personeel_vinden",
    "arrangeur": "werkgeversservicepunt",
    "regelingen": ["loonkostensubsidie"],
}
RECEIVE_TIMEOUT_SECONDS = 60.0


@pytest.fixture
def worker_a(production: System) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=production.bridge_urls[0], timeout=60.0) as client:
        yield client


@pytest.fixture
def worker_b(production: System) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=production.bridge_urls[1], timeout=60.0) as client:
        yield client


def _hand_off(system: System, worker: httpx.Client, conversation_id: str) -> str:
    response = worker.post(
        "/internal/handoffs",
        json={"conversation_id": conversation_id, "reden": "gevraagd", "intake": INTAKE},
        headers={"Authorization": f"Bearer {system.env['BRIDGE_SERVICE_TOKEN']}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["queue"])


def _log_in_staff(system: System, worker: httpx.Client, organisation: str) -> dict[str, str]:
    """A medewerker of `organisation`, logged in on `worker`; returns the session and CSRF headers."""
    email = f"{uuid.uuid4().hex[:10]}@balie.test"
    engine = create_engine(system.env["DATABASE_URL"])
    try:
        with Session(engine) as session:
            create_staff_account(
                session, organisation=organisation, email=email, password=PASSWORD, display_name="Sanne"
            )
    finally:
        engine.dispose()
    response = worker.post("/api/staff/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    # In productie the session cookie is Secure, which a client sends only over TLS; these tests
    # talk plain HTTP on loopback (the TLS proxy is not part of them), so send it by hand.
    assert "secure" in response.headers["set-cookie"].lower()
    cookie = response.cookies[SESSION_COOKIE]
    return {"X-CSRF-Token": response.json()["csrf_token"], "Cookie": f"{SESSION_COOKIE}={cookie}"}


def _case_id(system: System, worker: httpx.Client, conversation_id: str) -> str:
    cases = worker.get("/api/handoffs", headers={"Authorization": f"Bearer {system.env['STAFF_TOKEN']}"}).json()["data"]
    return str(next(c["id"] for c in cases if c["conversation_id"] == conversation_id))


def _receive_until(websocket: ClientConnection, wanted: Any) -> list[dict[str, Any]]:
    """Events until one for which `wanted(event)` holds (fails after a generous timeout)."""
    seen: list[dict[str, Any]] = []
    while True:
        try:
            event = json.loads(websocket.recv(timeout=RECEIVE_TIMEOUT_SECONDS))
        except TimeoutError:
            pytest.fail(f"the expected event never came; got {seen}")
        seen.append(event)
        if wanted(event):
            return seen


def _ws_url(http_url: str, path: str) -> str:
    return http_url.replace("http://", "ws://") + path


def test_a_staff_reply_posted_on_worker_a_reaches_a_web_chat_on_worker_b(
    production: System, worker_a: httpx.Client, worker_b: httpx.Client
) -> None:
    conversation_id = worker_a.post("/api/conversations").json()["id"]
    events_path = f"/api/conversations/{conversation_id}/events"
    with connect(_ws_url(production.bridge_urls[1], events_path)) as web_chat:
        # Catch-up ends with the current status; after it everything is live.
        _receive_until(web_chat, lambda e: e["type"] == "status")

        queue = _hand_off(production, worker_a, conversation_id)
        waiting = _receive_until(web_chat, lambda e: e["type"] == "status")
        assert waiting[-1] == {"type": "status", "status": "wacht_op_medewerker", "queue": queue, "staff_name": None}

        csrf = _log_in_staff(production, worker_a, queue)
        case_id = _case_id(production, worker_a, conversation_id)
        reply = worker_a.post(
            f"/api/staff/cases/{case_id}/messages", json={"text": "Goedemiddag, ik help u verder."}, headers=csrf
        )
        assert reply.status_code == 201, reply.text

        events = _receive_until(web_chat, lambda e: e["type"] == "message" and e["message"]["author"] == "staff")
        assert events[-1]["message"]["text"] == "Goedemiddag, ik help u verder."
        # Replying claimed the case: the status with the medewerker's name came across too.
        assert {"type": "status", "status": "medewerker", "queue": queue, "staff_name": "Sanne"} in events
        staff_ids = [e["message"]["id"] for e in events if e["type"] == "message" and e["message"]["author"] == "staff"]
        assert len(staff_ids) == len(set(staff_ids)) == 1  # exactly once


def test_the_telegram_connector_on_worker_b_hears_staff_messages_posted_on_worker_a(
    production: System, worker_a: httpx.Client
) -> None:
    # A web conversation stands in: the channel stream works the same for every channel name.
    conversation_id = worker_a.post("/api/conversations").json()["id"]
    channel = worker_a.get(f"/api/conversations/{conversation_id}").json()["channel"]
    url = _ws_url(production.bridge_urls[1], f"/internal/events?channel={channel}")
    headers = {"Authorization": f"Bearer {production.env['BRIDGE_SERVICE_TOKEN']}"}
    with connect(url, additional_headers=headers) as connector:
        queue = _hand_off(production, worker_a, conversation_id)
        events = _receive_until(
            connector, lambda e: e.get("conversation_id") == conversation_id and e["type"] == "status"
        )
        assert events[-1]["status"] == "wacht_op_medewerker" and events[-1]["queue"] == queue


def test_rate_limits_count_across_workers(production: System, worker_a: httpx.Client, worker_b: httpx.Client) -> None:
    # RATE_LIMIT_PER_CONVERSATION is 6/minute (conftest). A handed-off conversation's messages go
    # to the medewerker, so this needs no Rasa. With counters per worker, 12 would get through.
    conversation_id = worker_a.post("/api/conversations").json()["id"]
    _hand_off(production, worker_a, conversation_id)
    statuses = []
    for number in range(7):
        worker = worker_a if number % 2 == 0 else worker_b
        response = worker.post(f"/api/conversations/{conversation_id}/messages", json={"text": f"bericht {number}"})
        statuses.append(response.status_code)
    assert statuses == [200] * 6 + [429]
