"""The real action server (Procfile, bot/action_server.py) refuses calls without its token, listens on
loopback only, while Rasa, which sends the token from endpoints.yml, still runs every custom action."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e

# What Rasa posts to /webhook: an action of bot.actions and a minimal tracker.
ACTION_CALL = {
    "next_action": "action_fallback",
    "sender_id": "e2e-zonder-token",
    "tracker": {
        "sender_id": "e2e-zonder-token",
        "slots": {},
        "latest_message": {},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    },
    "domain": {},
}


def actions_url(system: RunningSystem) -> str:
    return f"http://127.0.0.1:{system.env['ACTIONS_PORT']}"


def test_the_action_server_refuses_calls_without_its_token(system: RunningSystem) -> None:
    base = actions_url(system)
    assert system.env["ACTION_SERVER_TOKEN"], "scripts/run.py gives every profile a token"
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/health").status_code == 200  # health checks need no token
        assert client.post("/webhook", json=ACTION_CALL).status_code == 401
        assert client.post("/webhook", json=ACTION_CALL, headers={"Authorization": "Bearer fout"}).status_code == 401
        assert client.get("/actions").status_code == 401
        allowed = client.get("/actions", headers={"Authorization": f"Bearer {system.env['ACTION_SERVER_TOKEN']}"})
        assert allowed.status_code == 200 and {"name": "action_handoff"} in allowed.json()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from Linux's /proc")
def test_the_action_server_listens_on_loopback_only(system: RunningSystem) -> None:
    port = int(system.env["ACTIONS_PORT"])
    listening = []
    for table in ("tcp", "tcp6"):
        for line in (Path("/proc/net") / table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, port_hex = fields[1].rpartition(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                listening.append((table, address))
    assert listening == [("tcp", "0100007F")]  # 127.0.0.1; not 0.0.0.0 as `rasa run actions` would


def test_conversations_still_run_custom_actions(system: RunningSystem) -> None:
    # action_handoff (on the action server) creates the case through the bridge: it only exists if
    # Rasa's call with the token got through.
    with system.client() as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        send = f"/api/conversations/{conversation_id}/messages"
        client.post(send, json={"text": "ik ben werkgever en zoek personeel"})
        assert client.post(send, json={"text": "kan ik iemand spreken?"}).json()["replies"]
        conversation = client.get(f"/api/conversations/{conversation_id}").json()
        cases = client.get("/api/handoffs", headers=system.staff_headers()).json()["data"]
    assert conversation["slots"]["rol"] == "werkgever"
    assert conversation["status"] == "wacht_op_medewerker"
    assert [c["intake"]["rol"] for c in cases if c["conversation_id"] == conversation_id] == ["werkgever"]


def test_no_token_in_the_logs(system: RunningSystem) -> None:
    log = system.log_path.read_text(errors="replace")
    assert "Failed to execute custom action" not in log
    assert system.env["ACTION_SERVER_TOKEN"] not in log
