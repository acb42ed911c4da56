"""Erasure against the real processes: after DELETE, neither the bridge nor Rasa knows the conversation."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e

USER_TEXT = "ik ben werkzoekende en woon in Almere"


def _tracker(system: RunningSystem, conversation_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"http://127.0.0.1:{system.env['RASA_PORT']}/conversations/{conversation_id}/tracker",
        params={"token": system.env["RASA_TOKEN"]},
        timeout=60.0,
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _rows_in_tracker_store(system: RunningSystem, conversation_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(system.env["RASA_TRACKER_DB"], timeout=30) as connection:
        return connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? OR data LIKE ?", (conversation_id, f"%{USER_TEXT}%")
        ).fetchall()


def test_deleted_conversation_is_gone_from_bridge_and_rasa(system: RunningSystem) -> None:
    with system.client() as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        send = f"/api/conversations/{conversation_id}/messages"
        assert client.post(send, json={"payload": "/greet"}).status_code == 200
        assert client.post(send, json={"text": USER_TEXT}).status_code == 200
        before = _tracker(system, conversation_id)
        assert before["slots"]["rol"] == "werkzoekende"
        assert any(e.get("text") == USER_TEXT for e in before["events"] if e["event"] == "user")
        assert _rows_in_tracker_store(system, conversation_id)

        assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204

        assert client.get(f"/api/conversations/{conversation_id}").status_code == 404
        assert client.post(send, json={"text": "nog iets"}).status_code == 404
        # Rasa's tracker store holds no row of it any more ...
        assert _rows_in_tracker_store(system, conversation_id) == []
        # ... so Rasa itself answers with a fresh tracker: no messages, no filled slots.
        after = _tracker(system, conversation_id)
        assert [e for e in after["events"] if e["event"] in ("user", "bot", "slot")] == []
        assert all(value is None for name, value in after["slots"].items() if name in ("rol", "gemeente"))
        # Erasing again is fine (idempotent), and cleans up the empty tracker Rasa just made.
        assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
        assert _rows_in_tracker_store(system, conversation_id) == []
