"""Start the real assistant (Rasa server, action server, bridge) on free ports, via the Procfile."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bridge.core.config import PROJECT_ROOT
from scripts.run import CORE_PROCESSES, process_env

STARTUP_TIMEOUT_SECONDS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningSystem:
    base_url: str
    env: dict[str, str]
    log_path: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30.0)

    def staff_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.env['STAFF_TOKEN']}"}


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """The whole assistant as `make run` starts it, with its own ports and databases."""
    workdir = tmp_path_factory.mktemp("e2e")
    env = process_env(
        {
            "RASA_PORT": str(free_port()),
            "ACTIONS_PORT": str(free_port()),
            "BRIDGE_PORT": str(free_port()),
            "DATABASE_URL": f"sqlite:///{workdir / 'bridge.db'}",
            "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),
            "RASA_TOKEN": "e2e-rasa-token",
            "BRIDGE_SERVICE_TOKEN": "e2e-service-token",
            "STAFF_TOKEN": "e2e-staff-token",
            # Every test conversation comes from 127.0.0.1: per-address limits would throttle the suite.
            "RATE_LIMIT_NEW_CONVERSATIONS": "600/minute",
            "RATE_LIMIT_PER_CLIENT": "2000/minute",
        }
    )
    env["BRIDGE_URL"] = f"http://127.0.0.1:{env['BRIDGE_PORT']}"
    log_path = workdir / "processes.log"
    honcho = str(Path(sys.executable).with_name("honcho"))
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [honcho, "-f", "Procfile", "start", *CORE_PROCESSES],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: teardown stops every child
        )
    running = RunningSystem(f"http://127.0.0.1:{env['BRIDGE_PORT']}", env, log_path)
    try:
        _wait_healthy(running, process)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_healthy(running: RunningSystem, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"processes exited early; log:\n{running.log_path.read_text()[-4000:]}")
        try:
            response = httpx.get(f"{running.base_url}/health", timeout=3.0)
            last = response.text
            if response.status_code == 200:
                return
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(1.0)
    pytest.fail(f"not healthy after {STARTUP_TIMEOUT_SECONDS} s ({last}); log:\n{running.log_path.read_text()[-4000:]}")
