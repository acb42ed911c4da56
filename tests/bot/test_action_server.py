"""The action server (bot/action_server.py) as a real process: token on every path but /health,
loopback only, and no start without a token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-action-token-3f9a1c"
WRONG_TOKEN = "test-wrong-token-77b2e0"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**changes: Optional[str]) -> Dict[str, str]:
    """This process's environment, without a token or host unless `changes` sets them."""
    env = {k: v for k, v in os.environ.items() if k not in ("ACTION_SERVER_TOKEN", "ACTIONS_HOST")}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


class Server:
    """`python -m bot.action_server` on a free port, its output in a file."""

    def __init__(self, tmp_path: Path, **changes: Optional[str]) -> None:
        self.port = free_port()
        self.log_path = tmp_path / f"actions-{self.port}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.action_server", "--actions", "bot.actions", "-p", str(self.port)],
                cwd=ROOT,
                env=server_env(**changes),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_listening(self, host: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"action server exited:\n{self.log()}"
            try:
                if requests.get(f"http://{host}:{self.port}/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        pytest.fail(f"action server not up after {STARTUP_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The action server with a token and no ACTIONS_HOST: the defaults `make run` relies on."""
    running = Server(tmp_path_factory.mktemp("action-server"), ACTION_SERVER_TOKEN=TOKEN)
    try:
        running.wait_listening("127.0.0.1")
        yield running
    finally:
        running.stop()


def action_call(action: str = "action_fallback") -> Dict[str, object]:
    """What Rasa posts to /webhook: the next action and a minimal tracker."""
    from rasa_sdk import __version__

    tracker = {
        "sender_id": "test-gesprek",
        "slots": {},
        "latest_message": {},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    }
    return {
        "next_action": action,
        "sender_id": "test-gesprek",
        "tracker": tracker,
        "domain": {},
        "version": __version__,
    }


def url(server: Server, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def test_health_is_open_and_says_nothing_more(server: Server) -> None:
    answer = requests.get(url(server, "/health"), timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": f"Bearer {WRONG_TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer "},
    ],
    ids=["none", "wrong", "longer", "other-scheme", "no-scheme", "empty"],
)
def test_webhook_and_actions_refuse_without_the_right_token(server: Server, headers: Dict[str, str]) -> None:
    webhook = requests.post(url(server, "/webhook"), json=action_call(), headers=headers, timeout=10)
    assert webhook.status_code == 401
    assert webhook.json() == {"error": "unauthorized"}
    assert requests.get(url(server, "/actions"), headers=headers, timeout=10).status_code == 401


def test_the_token_as_query_parameter_is_not_accepted(server: Server) -> None:
    # Only the header: a token in a URL ends up in access logs and proxies.
    answer = requests.post(url(server, "/webhook"), params={"token": TOKEN}, json=action_call(), timeout=10)
    assert answer.status_code == 401


def test_the_right_token_runs_an_action(server: Server) -> None:
    answer = requests.post(
        url(server, "/webhook"),
        json=action_call("action_fallback"),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r.get("response") for r in body["responses"]] == ["utter_default"]
    assert [(e["event"], e["name"], e["value"]) for e in body["events"]] == [("slot", "fallback_aanbod", False)]
    listed = requests.get(url(server, "/actions"), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert {"name": "action_handoff"} in listed.json()


def listening_addresses(port: int) -> List[Tuple[str, str]]:
    """(table, local address in hex) of every socket listening on `port`, from the kernel's tables."""
    found = []
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, _, port_hex = fields[1].rpartition(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.append((table, address))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from Linux's /proc")
def test_it_listens_on_loopback_only_by_default(server: Server) -> None:
    assert listening_addresses(server.port) == [("tcp", "0100007F")]  # 127.0.0.1, no 0.0.0.0, no IPv6


def test_the_token_never_reaches_the_log(server: Server) -> None:
    requests.post(
        url(server, "/webhook"), json=action_call(), headers={"Authorization": f"Bearer {WRONG_TOKEN}"}, timeout=10
    )
    requests.post(url(server, "/webhook"), json=action_call(), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    log = server.log()
    assert "Action endpoint is up and running on http://127.0.0.1:" in log
    assert TOKEN not in log and WRONG_TOKEN not in log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="127.0.0.2 is a loopback address on Linux only")
def test_actions_host_chooses_the_interface(tmp_path: Path) -> None:
    other = Server(tmp_path, ACTION_SERVER_TOKEN=TOKEN, ACTIONS_HOST="127.0.0.2")
    try:
        other.wait_listening("127.0.0.2")
        assert listening_addresses(other.port) == [("tcp", "0200007F")]
    finally:
        other.stop()


@pytest.mark.parametrize("token", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_it_refuses_to_start_without_a_token(token: Optional[str]) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot.action_server", "-p", str(free_port())],
        cwd=ROOT,
        env=server_env(ACTION_SERVER_TOKEN=token),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 1
    assert "does not start without a token: set ACTION_SERVER_TOKEN" in finished.stderr


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer abc ", "abc"), ("Basic abc", ""), ("abc", ""), (None, ""), ("Bearer", "")],
)
def test_bearer_token_reads_only_the_bearer_scheme(header: Optional[str], token: str) -> None:
    from bot.action_server import bearer_token

    assert bearer_token(header) == token
