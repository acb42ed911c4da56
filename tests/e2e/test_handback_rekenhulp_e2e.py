"""Against the real Rasa server, action server and bridge: a medewerker hands the conversation back
and the bot goes on with the intake it had; the rekenhulp dialogue from question to outcome."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from bridge.core.config import PROJECT_ROOT
from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e

PASSWORD = "handback-e2e-wachtwoord-1"


def _send(client: httpx.Client, conversation_id: str, text: str) -> list[dict]:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    response.raise_for_status()
    return response.json()["replies"]


def _conversation(client: httpx.Client, conversation_id: str) -> dict:
    return client.get(f"/api/conversations/{conversation_id}").raise_for_status().json()


def _staff_login(system: RunningSystem, client: httpx.Client, organisation: str) -> str:
    """A beheerder of this organisation, made with the operator's own command; returns the CSRF token."""
    email = f"handback-{abs(hash(organisation)) % 10_000}@elkedeur.test"
    env = {**os.environ, **system.env, "PYTHONPATH": str(PROJECT_ROOT)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bridge.cli",
            "create-admin",
            "--org",
            organisation,
            "--email",
            email,
            "--password-stdin",
        ],
        input=PASSWORD,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    login = client.post("/api/staff/login", json={"email": email, "password": PASSWORD})
    login.raise_for_status()
    return login.json()["csrf_token"]


def test_handback_keeps_the_intake_and_the_bot_goes_on(system: RunningSystem) -> None:
    with system.client() as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        _send(client, conversation_id, "Wij hebben een bouwbedrijf in Zwolle en zoeken een timmerman")
        before = _conversation(client, conversation_id)["slots"]
        assert before["rol"] == "werkgever" and before["gemeente"] == "Zwolle"

        _send(client, conversation_id, "ik wil graag een medewerker spreken")
        assert _conversation(client, conversation_id)["status"] == "wacht_op_medewerker"
        case = next(
            c
            for c in client.get("/api/handoffs", headers=system.staff_headers()).json()["data"]
            if c["conversation_id"] == conversation_id
        )

        csrf = _staff_login(system, client, case["queue"])
        headers = {"X-CSRF-Token": csrf}
        client.post(f"/api/staff/cases/{case['id']}/claim", headers=headers).raise_for_status()
        client.post(
            f"/api/staff/cases/{case['id']}/messages",
            headers=headers,
            json={"text": "Ik geef u terug aan de assistent."},
        ).raise_for_status()
        client.post(f"/api/staff/cases/{case['id']}/handback", headers=headers).raise_for_status()
        client.post("/api/staff/logout", headers=headers)

        assert _conversation(client, conversation_id)["status"] == "bot"
        replies = _send(client, conversation_id, "we zoeken vooral mensen voor op de bouwplaats")
        assert replies and all(r.get("text") for r in replies)
        after = _conversation(client, conversation_id)["slots"]
        assert after["rol"] == "werkgever" and after["gemeente"] == "Zwolle"  # nothing asked twice
        assert after["sector"] == "bouw"


def test_rekenhulp_from_question_to_outcome(system: RunningSystem) -> None:
    with system.client() as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        intro = _send(
            client, conversation_id, "hoeveel loonkostensubsidie krijg ik als ik iemand aanneem? ik wil het uitrekenen"
        )
        assert any("loonkostensubsidie" in (r.get("text") or "") for r in intro)
        assert _conversation(client, conversation_id)["slots"]["requested_slot"] == "loonwaarde"
        _send(client, conversation_id, "60")
        assert _conversation(client, conversation_id)["slots"]["requested_slot"] == "uren_per_week"
        _send(client, conversation_id, "32 uur")
        assert _conversation(client, conversation_id)["slots"]["requested_slot"] == "brutoloon"
        outcome = _send(client, conversation_id, "2400")
        text = " ".join(r.get("text") or "" for r in outcome)
        assert "per maand aan loonkostensubsidie" in text and "€" in text
