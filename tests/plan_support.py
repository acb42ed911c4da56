"""The bridge alone as its own uvicorn process (no Rasa): enough for Mijn plan (issue 15) in browser and Telegram tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bridge.core.config import PROJECT_ROOT

SERVICE_TOKEN = "plan-bridge-service-token"
PASSWORD = "correct-paard-batterij-niet"
INTAKE = {
    "rol": "werkzoekende",
    "uitkering": "ww",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "sector": "zorg",
    "behoefte": "scholing",
    "arrangeur": "uwv",
    "regelingen": ["scholing-tijdens-ww", "stap-budget"],
}


@dataclass
class PlanBridge:
    base_url: str
    env: dict[str, str]
    log_path: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_bridge(directory: Path) -> Iterator[PlanBridge]:
    """The bridge (uvicorn), migrated, on a fresh SQLite database, with Rasa and the action server unreachable."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": f"sqlite:///{directory / 'bridge.db'}",
        "RASA_TRACKER_DB": str(directory / "rasa-tracker.db"),
        "BRIDGE_SERVICE_TOKEN": SERVICE_TOKEN,
        "STAFF_TOKEN": "plan-bridge-staff-token",
        "RASA_TOKEN": "unused",
        "ACTION_SERVER_TOKEN": "unused",
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "RETENTION_INTERVAL_SECONDS": "0",
        "ENVIRONMENT": "test",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "alembic"), "-c", "bridge/alembic.ini", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = directory / "bridge.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bridge.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/health/live", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"bridge did not start: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield PlanBridge(base_url, env, log_path)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def hand_over(bridge: PlanBridge, conversation_id: str) -> str:
    """Hand the conversation over to UWV with INTAKE, as the action server does; returns the case id."""
    response = httpx.post(
        f"{bridge.base_url}/internal/handoffs",
        json={"conversation_id": conversation_id, "intake": INTAKE},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def make_staff(bridge: PlanBridge, email: str, organisation: str = "UWV") -> None:
    """A medewerker account in the bridge's database (through the bridge's own service)."""
    script = (
        "from bridge.core.db import get_sessionmaker\nfrom bridge.services.staff import create_staff_account\n"
        "with get_sessionmaker()() as s:\n"
        f"    create_staff_account(s, organisation={organisation!r}, email={email!r}, password={PASSWORD!r}, "
        "display_name='Sanne')\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=bridge.env, check=True, capture_output=True)
