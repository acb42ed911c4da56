"""The minimal chain against real processes: greeting → role → medewerker → handoff case."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e


def test_health_reports_every_process(system: RunningSystem) -> None:
    with system.client() as client:
        body = client.get("/health").json()
    assert body == {"status": "ok", "bridge": "ok", "database": "ok", "rasa": "ok", "actions": "ok"}


def test_greeting_role_and_handoff(system: RunningSystem) -> None:
    with system.client() as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        send = f"/api/conversations/{conversation_id}/messages"

        greeting = client.post(send, json={"payload": "/greet"}).json()["replies"]
        buttons = [b["payload"] for reply in greeting for b in reply["buttons"]]
        assert {"/inform_werkende", "/inform_werkzoekende", "/inform_werkgever"} <= set(buttons)
        assert any("werk" in (reply["text"] or "").lower() for reply in greeting)

        client.post(send, json={"text": "ik ben werkgever en zoek personeel"})
        conversation = client.get(f"/api/conversations/{conversation_id}").json()
        assert conversation["slots"]["rol"] == "werkgever"
        assert conversation["status"] == "bot"

        replies = client.post(send, json={"text": "kan ik iemand spreken?"}).json()["replies"]
        assert replies, "the bot confirms the handoff"

        conversation = client.get(f"/api/conversations/{conversation_id}").json()
        assert conversation["status"] == "wacht_op_medewerker"

        cases = client.get("/api/handoffs", headers=system.staff_headers()).json()["data"]
        [case] = [c for c in cases if c["conversation_id"] == conversation_id]
        assert case["intake"]["rol"] == "werkgever"
        assert case["status"] == "wacht_op_medewerker"
        # The transcript travels with the case: every message of the conversation is in the bridge.
        authors = [m["author"] for m in conversation["messages"]]
        assert authors.count("user") == 3 and "bot" in authors

        # From now on the person's messages go to the medewerker, not to the bot.
        waiting = client.post(send, json={"text": "hallo?"}).json()["replies"]
        assert "medewerker" in waiting[0]["text"].lower()
