"""Faults on the real system: Rasa, the action server and the bridge are killed and restarted.

The three processes run as separate subprocesses from the Procfile's own lines (not under honcho,
which stops everything when one process exits), with their own ports and SQLite databases.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from bench.system import free_port
from bridge.core.config import PROJECT_ROOT
from bridge.services.reliability import BOT_UNAVAILABLE_NOTICE, LEAVE_QUESTION_PAYLOAD
from scripts.run import process_env

pytestmark = pytest.mark.e2e

STARTUP_TIMEOUT_SECONDS = 300
CORE = ("rasa", "actions", "bridge")


def procfile_commands() -> dict[str, str]:
    """The command of every process type in the Procfile."""
    commands = {}
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            commands[name.strip()] = command.strip()
    return commands


@dataclass
class Processes:
    """Rasa, the action server and the bridge, each startable and killable on its own."""

    env: dict[str, str]
    workdir: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    starts: dict[str, int] = field(default_factory=dict)

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.env['BRIDGE_PORT']}"

    def start(self, name: str) -> None:
        self.starts[name] = self.starts.get(name, 0) + 1
        log = (self.workdir / f"{name}.{self.starts[name]}.log").open("w")
        self.running[name] = subprocess.Popen(
            ["/bin/sh", "-c", procfile_commands()[name]], cwd=PROJECT_ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group, as a crash or an OOM kill would."""
        process = self.running[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.{self.starts.get(name, 1)}.log").read_text(errors="replace")[-3000:]

    def wait_until(self, name: str, url: str, *, any_status: bool = False) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.running[name].poll() is not None:
                pytest.fail(f"{name} exited early; log:\n{self.log(name)}")
            try:
                response = httpx.get(url, timeout=3.0)
                if any_status or response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail(f"{name} not up after {STARTUP_TIMEOUT_SECONDS} s; log:\n{self.log(name)}")

    def wait_rasa(self) -> None:
        self.wait_until("rasa", f"http://127.0.0.1:{self.env['RASA_PORT']}/status?token={self.env['RASA_TOKEN']}")

    def wait_actions(self) -> None:
        self.wait_until("actions", f"http://127.0.0.1:{self.env['ACTIONS_PORT']}/health")

    def wait_bridge(self) -> None:
        self.wait_until("bridge", f"{self.bridge_url}/health", any_status=True)

    def db_rows(self, query: str, **params: Any) -> list[Any]:
        """Rows straight from the bridge database (what survives a crash)."""
        engine = create_engine(self.env["DATABASE_URL"])
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(query), params))
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    workdir = tmp_path_factory.mktemp("reliability")
    bridge_port = free_port()
    env = process_env({
        "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()), "BRIDGE_PORT": str(bridge_port),
        "BRIDGE_URL": f"http://127.0.0.1:{bridge_port}",
        "DATABASE_URL": f"sqlite:///{workdir / 'bridge.db'}", "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),
        "RASA_TOKEN": "e2e-rasa-token", "BRIDGE_SERVICE_TOKEN": "e2e-service-token", "STAFF_TOKEN": "e2e-staff-token",
        "RATE_LIMIT_NEW_CONVERSATIONS": "600/minute", "RATE_LIMIT_PER_CLIENT": "2000/minute",
        "RASA_TIMEOUT_SECONDS": "20",
    })
    system = Processes(env, workdir)
    try:
        system.start("bridge")  # runs the migrations first
        system.wait_bridge()
        system.start("actions")
        system.start("rasa")
        system.wait_actions()
        system.wait_rasa()
        system.wait_until("bridge", f"{system.bridge_url}/health")
        yield system
    finally:
        system.stop()


def _say(client: httpx.Client, conversation_id: str, **body: Any) -> list[dict[str, Any]]:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def _is_notice(replies: list[dict[str, Any]]) -> bool:
    return any(r["text"] == BOT_UNAVAILABLE_NOTICE for r in replies)


def _stored(processes: Processes, conversation_id: str) -> list[tuple[str, str | None, bool]]:
    rows = processes.db_rows(
        "SELECT author, text, delivered FROM messages WHERE conversation_id = :c ORDER BY id", c=conversation_id
    )
    return [(row[0], row[1], bool(row[2])) for row in rows]


def test_rasa_killed_and_restarted_mid_conversation(processes: Processes) -> None:
    with httpx.Client(base_url=processes.bridge_url, timeout=60.0) as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        assert not _is_notice(_say(client, conversation_id, payload="/greet"))
        first = _say(client, conversation_id, payload="/inform_werkgever")
        assert first and not _is_notice(first)
        slots_before = client.get(f"/api/conversations/{conversation_id}").json()["slots"]
        assert slots_before.get("rol") == "werkgever"

        processes.kill("rasa")
        down = _say(client, conversation_id, text="Ik zoek personeel in Almere")
        assert _is_notice(down)
        assert down[0]["buttons"][0]["payload"] == LEAVE_QUESTION_PAYLOAD
        assert ("user", "Ik zoek personeel in Almere", False) in _stored(processes, conversation_id)
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["rasa"] == "onbereikbaar"

        processes.start("rasa")
        processes.wait_rasa()
        back = _say(client, conversation_id, text="Ik zoek personeel in Almere")
        assert back and not _is_notice(back)
        # The conversation continues where it was: what Rasa knew before the crash is still there.
        assert client.get(f"/api/conversations/{conversation_id}").json()["slots"].get("rol") == "werkgever"
        stored = _stored(processes, conversation_id)
        assert [m for m in stored if m[0] == "user"] == [
            ("user", None, True),  # /greet
            ("user", None, True),  # /inform_werkgever
            ("user", "Ik zoek personeel in Almere", False),  # not replayed; the medewerker would see it
            ("user", "Ik zoek personeel in Almere", True),
        ]


def test_action_server_killed_user_still_gets_an_answer(processes: Processes) -> None:
    with httpx.Client(base_url=processes.bridge_url, timeout=60.0) as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        processes.kill("actions")
        try:
            for text_ in ("Hallo", "Ik ben werkgever in de bouw", "Ik zoek personeel in Almere"):
                replies = _say(client, conversation_id, text=text_)
                # Never silence: Rasa's own answer, or the notice when it skipped everything.
                assert replies, text_
            assert client.get("/health").json()["actions"] == "onbereikbaar"
        finally:
            processes.start("actions")
            processes.wait_actions()
        assert _say(client, conversation_id, text="Hallo")
        assert all(author != "user" or delivered for author, _, delivered in _stored(processes, conversation_id))


def test_bridge_killed_mid_conversation_loses_nothing(processes: Processes) -> None:
    staff = {"Authorization": f"Bearer {processes.env['STAFF_TOKEN']}"}
    with httpx.Client(base_url=processes.bridge_url, timeout=60.0) as client:
        waiting = client.post("/api/conversations").json()["id"]
        _say(client, waiting, text="Ik wil graag iemand spreken")
        _say(client, waiting, payload=LEAVE_QUESTION_PAYLOAD)  # a queued case
        conversation_id = client.post("/api/conversations").json()["id"]
        for index, text_ in enumerate(("Hallo", "Ik ben werkzoekende")):
            _say(client, conversation_id, text=text_, client_message_id=f"id-{index}")
        before = {c: _stored(processes, c) for c in (waiting, conversation_id)}
        cases_before = client.get("/api/handoffs", headers=staff).json()["data"]

    # A message is in flight when the bridge dies.
    in_flight: dict[str, Any] = {}

    def send() -> None:
        try:
            with httpx.Client(base_url=processes.bridge_url, timeout=60.0) as c:
                in_flight["response"] = c.post(f"/api/conversations/{conversation_id}/messages",
                                               json={"text": "Ik woon in Almere", "client_message_id": "in-flight"})
        except httpx.HTTPError as error:
            in_flight["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.15)
    processes.kill("bridge")
    thread.join(timeout=60)
    processes.start("bridge")
    processes.wait_bridge()

    with httpx.Client(base_url=processes.bridge_url, timeout=60.0) as client:
        after = {c: _stored(processes, c) for c in (waiting, conversation_id)}
        for c, messages in before.items():
            assert after[c][: len(messages)] == messages  # nothing that was stored is gone
        cases_after = client.get("/api/handoffs", headers=staff).json()["data"]
        assert {c["id"] for c in cases_before} <= {c["id"] for c in cases_after}
        assert client.get(f"/api/conversations/{waiting}").json()["status"] == "wacht_op_medewerker"
        # The channel retries the message with the same client id: stored exactly once.
        _say(client, conversation_id, text="Ik woon in Almere", client_message_id="in-flight")
        _say(client, conversation_id, text="Ik woon in Almere", client_message_id="in-flight")
        retried = [m for m in _stored(processes, conversation_id) if m[1] == "Ik woon in Almere"]
        assert len(retried) == 1
        assert _say(client, conversation_id, text="Wat zijn mijn mogelijkheden?")
