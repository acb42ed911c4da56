"""Two real Rasa servers on one PostgreSQL tracker store and one Redis lock store.

Kept last in the package (file order): the failover test kills a Rasa server for good.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from bench.system import System
from bridge.services.rasa_pool import RasaInstance, RasaPool

pytestmark = pytest.mark.e2e

# Payloads skip the NLU, so the steps are the same on every model: the intake asks for the
# uitkering and the gemeente; the action server adds the arbeidsmarktregio from the gemeente.
INTAKE_STEPS = ["/inform_werkzoekende", '/inform{"uitkering": "ww"}', '/inform{"gemeente": "Almere"}']
EXPECTED_SLOTS = {"rol": "werkzoekende", "uitkering": "ww", "gemeente": "Almere", "arbeidsmarktregio": "Flevoland"}


def _tracker(rasa_url: str, token: str, sender: str) -> dict[str, Any]:
    response = httpx.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": token}, timeout=60.0)
    response.raise_for_status()
    tracker: dict[str, Any] = response.json()
    return tracker


def _user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_a_conversation_alternating_between_two_rasa_servers_keeps_its_slots(production: System) -> None:
    token = production.env["RASA_TOKEN"]
    first, second = production.rasa_urls
    sender = str(uuid.uuid4())
    for step, message in enumerate(INTAKE_STEPS):
        server, other = (first, second) if step % 2 == 0 else (second, first)
        response = httpx.post(
            f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120.0
        )
        assert response.status_code == 200, response.text
        assert response.json(), f"no reply from {server} to {message}"
        # The other server sees everything this one stored, at once.
        assert _user_texts(_tracker(other, token, sender)) == INTAKE_STEPS[: step + 1]

    for server in (first, second):
        slots = _tracker(server, token, sender)["slots"]
        assert {name: slots[name] for name in EXPECTED_SLOTS} == EXPECTED_SLOTS


def test_killing_one_rasa_server_mid_conversation_loses_nothing(production: System) -> None:
    bridge = httpx.Client(base_url=production.bridge_urls[0], timeout=120.0)
    conversation_id = bridge.post("/api/conversations").json()["id"]
    send = f"/api/conversations/{conversation_id}/messages"

    # Two messages, both to the conversation's own Rasa server (the bridge routes by conversation id).
    for message in INTAKE_STEPS[:2]:
        response = bridge.post(send, json={"payload": message})
        assert response.status_code == 200, response.text
        assert response.json()["replies"]

    home = RasaPool([RasaInstance(url) for url in production.rasa_urls], "-").home(conversation_id).rasa_url
    killed = production.rasa_urls.index(home) + 1
    production.kill(f"rasa.{killed}", restart=False)  # down for good: supervisord leaves it

    # The next messages are answered by the surviving server, from the shared tracker store.
    for message in [INTAKE_STEPS[2], "/greet"]:
        response = bridge.post(send, json={"payload": message})
        assert response.status_code == 200, response.text
        assert response.json()["replies"], f"no reply to {message} after the kill"

    conversation = bridge.get(f"/api/conversations/{conversation_id}").json()
    assert {name: conversation["slots"][name] for name in EXPECTED_SLOTS} == EXPECTED_SLOTS
    user_messages = [m["payload"] for m in conversation["messages"] if m["author"] == "user"]
    assert user_messages == [*INTAKE_STEPS, "/greet"]
    # Rasa's own tracker (on PostgreSQL) has every message exactly once: none lost, none doubled.
    survivor = production.rasa_urls[2 - killed]
    tracker = _tracker(survivor, production.env["RASA_TOKEN"], conversation_id)
    assert _user_texts(tracker) == [*INTAKE_STEPS, "/greet"]

    health = bridge.get("/health")
    assert health.status_code == 200, health.text  # one healthy pair keeps the bridge healthy
    bridge.close()
