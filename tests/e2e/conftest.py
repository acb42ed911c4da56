"""Start the real assistant (Rasa server, action server, bridge) on free ports, via the Procfile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.system import StartupFailed, free_port, start_system, wait_ready

__all__ = ["RunningSystem", "free_port", "system"]

STARTUP_TIMEOUT_SECONDS = 300
# Every test conversation comes from 127.0.0.1: per-address limits would throttle the suite.
TEST_LIMITS = {"RATE_LIMIT_NEW_CONVERSATIONS": "600/minute", "RATE_LIMIT_PER_CLIENT": "2000/minute"}


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
    """The whole assistant as `make run` starts it (same Procfile), with its own ports and databases."""
    started = start_system(tmp_path_factory.mktemp("e2e"), extra_env=TEST_LIMITS)
    try:
        wait_ready(started, timeout_s=STARTUP_TIMEOUT_SECONDS)
        yield RunningSystem(started.bridge_url, started.env, started.log_path)
    except StartupFailed as error:
        pytest.fail(str(error))
    finally:
        started.stop()
