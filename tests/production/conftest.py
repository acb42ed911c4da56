"""The production profile for real: two Rasa servers, two action servers and two bridge processes
on fresh PostgreSQL databases and the local Redis, started from Procfile.productie's own lines.

Each process is started on its own, from its Procfile.productie line, so a test can choose which
process to kill and when it comes back (under supervisord a killed process is restarted at once;
tests/e2e/test_reliability_e2e.py tests that): the failover test kills one Rasa server for good. Two bridge processes
on two ports, sharing the database and Redis, stand for two uvicorn workers (`--workers 2` puts
them behind one port, where a test cannot choose the worker). The environment and the databases
come from bench/system.py, which starts the same profile under supervisord for `make bench`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bench.system import Databases, create_databases, free_port, production_overrides
from bridge.core.config import PROJECT_ROOT
from scripts.run import PRODUCTION_PROCFILE, process_env
from scripts.supervise import read_procfile
from tests.conftest import (
    POSTGRES_ADMIN_URL,
    REDIS_URL,
    _postgres_available,
    _redis_available,
)

STARTUP_TIMEOUT_SECONDS = 600  # two Rasa servers load their model at once on a busy 2-core machine


def procfile_commands() -> dict[str, str]:
    """The command of every process type in Procfile.productie."""
    return read_procfile(PROJECT_ROOT / PRODUCTION_PROCFILE)


@dataclass
class ProductionSystem:
    """The running processes, their environment and logs."""

    env: dict[str, str]
    workdir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.env["RASA_PORTS"].split(",")]

    @property
    def bridge_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.env['BRIDGE_PORT']}", f"http://127.0.0.1:{self.env['SECOND_BRIDGE_PORT']}"]

    def start(self, instance: str, **overrides: str) -> None:
        """Start `instance` (e.g. "rasa.1") with the command its Procfile.productie line gives."""
        command = procfile_commands()[instance.split(".")[0]]
        log = (self.workdir / f"{instance}.log").open("w")
        self.processes[instance] = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=PROJECT_ROOT,
            # the name supervisord would give it: scripts/instance.sh picks its port by it
            env={**self.env, "SUPERVISOR_PROCESS_NAME": instance, **overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes its children along
        )
        log.close()

    def kill(self, instance: str) -> None:
        """Kill one process at once (SIGKILL), as a crash or an OOM kill would."""
        process = self.processes[instance]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def log(self, instance: str) -> str:
        return (self.workdir / f"{instance}.log").read_text()[-3000:]

    def wait_until(self, instance: str, url: str, *, any_status: bool = False) -> None:
        """Wait until `url` answers 200 (or anything, with any_status); fail if `instance` exits."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.processes[instance].poll() is not None:
                pytest.fail(f"{instance} exited early; log:\n{self.log(instance)}")
            try:
                response = httpx.get(url, timeout=3.0)
                if any_status or response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1.0)
        pytest.fail(f"{instance} not up after {STARTUP_TIMEOUT_SECONDS} s; log:\n{self.log(instance)}")


@pytest.fixture(scope="package")
def databases() -> Iterator[Databases]:
    """Fresh PostgreSQL databases for this run (bridge, Rasa trackers); dropped at the end."""
    if not _postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432; production profile tests skipped")
    if not _redis_available():
        pytest.skip("Redis does not answer on 127.0.0.1:6379; production profile tests skipped")
    created = create_databases(POSTGRES_ADMIN_URL, prefix="elkedeur_prod")
    try:
        yield created
    finally:
        created.drop()


@pytest.fixture(scope="package")
def production(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionSystem]:
    """The environment of the production profile as `make run-prod` builds it, on free ports."""
    overrides = production_overrides(
        databases, rasa_instances=2, bridge_workers=1, redis_url=REDIS_URL, lock_key_prefix="elkedeurtest"
    )
    # Shared counters are tested with a limit the other tests stay under.
    env = process_env({**overrides, "RATE_LIMIT_PER_CONVERSATION": "6/minute"})
    env["SECOND_BRIDGE_PORT"] = str(free_port())
    system = ProductionSystem(env, tmp_path_factory.mktemp("productie"))
    try:
        yield system
    finally:
        system.stop()


@pytest.fixture(scope="package")
def bridges(production: ProductionSystem) -> ProductionSystem:
    """Two bridge processes ("workers") on one database and one Redis."""
    first, second = production.bridge_urls
    production.start("bridge.1")  # runs the migrations first
    production.wait_until("bridge.1", f"{first}/health", any_status=True)
    production.start("bridge.2", BRIDGE_PORT=production.env["SECOND_BRIDGE_PORT"])
    production.wait_until("bridge.2", f"{second}/health", any_status=True)
    return production


@pytest.fixture(scope="package")
def rasa_servers(bridges: ProductionSystem) -> ProductionSystem:
    """Two Rasa servers, each with its own action server, on the shared tracker and lock store."""
    for instance in ("actions.1", "actions.2", "rasa.1", "rasa.2"):
        bridges.start(instance)
    for index, url in enumerate(bridges.rasa_urls, start=1):
        bridges.wait_until(f"rasa.{index}", f"{url}/status?token={bridges.env['RASA_TOKEN']}")
    bridges.wait_until("bridge.1", f"{bridges.bridge_urls[0]}/health")
    return bridges
