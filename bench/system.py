"""Start the real assistant (Rasa, action server, bridge) under honcho on free loopback ports.

The same start-up as `make run` and tests/e2e (Procfile + scripts.run.process_env), but with
its own working directory and databases, per-process readiness times and memory readings.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from bridge.core.config import PROJECT_ROOT
from scripts.run import CORE_PROCESSES, process_env

# How a process of the Procfile is recognised among honcho's children (by its command line).
_PROCESS_MARKERS = {"rasa": "rasa run --model", "actions": "rasa run actions", "bridge": "bridge.main:create_app"}


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StartupFailed(RuntimeError):
    """The processes exited or did not become healthy in time."""


@dataclass
class System:
    """A running assistant: its environment, URLs and the honcho process that supervises it."""

    env: dict[str, str]
    workdir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    started_at: float
    ready_s: dict[str, float] = field(default_factory=dict)

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.env['BRIDGE_PORT']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTIONS_PORT']}"

    def processes(self) -> dict[str, psutil.Process]:
        """The top process of each Procfile entry (the shell honcho runs it in), by name."""
        # honcho → one Python helper per entry → `sh -c <command>` → the program itself
        try:
            descendants = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return {}
        names: dict[int, str] = {}
        for proc in descendants:
            try:
                cmdline = " ".join(proc.cmdline())
            except psutil.Error:
                continue
            for name, marker in _PROCESS_MARKERS.items():
                if marker in cmdline:
                    names[proc.pid] = name
        found: dict[str, psutil.Process] = {}
        for proc in descendants:
            name = names.get(proc.pid)
            if name is not None and names.get(proc.ppid()) != name:  # the highest match of its entry
                found[name] = proc
        return found

    def rss_mb(self) -> dict[str, float]:
        """Resident memory (MiB) of each process, its children included (e.g. the shell)."""
        result = {}
        for name, top in self.processes().items():
            total = 0
            try:
                for proc in [top, *top.children(recursive=True)]:
                    total += proc.memory_info().rss
            except psutil.Error:
                continue
            result[name] = round(total / 2**20, 1)
        return result

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Stop honcho and every process it started (they share a process group)."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_system(workdir: Path, model: Path | None = None, extra_env: dict[str, str] | None = None) -> System:
    """Start Rasa, the action server and the bridge with fresh databases in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    overrides = {
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "BRIDGE_PORT": str(free_port()),
        "DATABASE_URL": f"sqlite:///{workdir / 'bridge.db'}",
        "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),
        "RASA_TOKEN": "bench-rasa-token",
        "BRIDGE_SERVICE_TOKEN": "bench-service-token",
        "STAFF_TOKEN": "bench-staff-token",
        **(extra_env or {}),
    }
    if model is not None:
        overrides["RASA_MODEL"] = str(model)
    env = process_env(overrides)
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
            start_new_session=True,  # own process group: stop() reaches every child
        )
    return System(env, workdir, log_path, process, time.monotonic())


def _probes(system: System) -> dict[str, Callable[[httpx.Client], bool]]:
    """Per process: when it counts as ready (Rasa: model loaded; bridge: answers at all)."""

    def rasa(client: httpx.Client) -> bool:
        response = client.get(f"{system.rasa_url}/status", params={"token": system.env["RASA_TOKEN"]})
        return response.status_code == 200 and bool(response.json().get("model_file"))

    def actions(client: httpx.Client) -> bool:
        return client.get(f"{system.actions_url}/health").status_code == 200

    def bridge(client: httpx.Client) -> bool:
        # /health answers 503 while Rasa loads: any answer means the bridge itself is up
        return client.get(f"{system.bridge_url}/health").status_code in (200, 503)

    def system_ready(client: httpx.Client) -> bool:
        return client.get(f"{system.bridge_url}/health").status_code == 200

    return {"rasa": rasa, "actions": actions, "bridge": bridge, "system": system_ready}


def wait_ready(system: System, timeout_s: float = 300.0, poll_s: float = 0.25) -> dict[str, float]:
    """Seconds from start until each process (and the whole system, via /health) is ready."""
    probes = _probes(system)
    deadline = system.started_at + timeout_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if system.process.poll() is not None:
                raise StartupFailed(f"processes exited early; log:\n{system.log_tail()}")
            for name, probe in probes.items():
                if name in system.ready_s:
                    continue
                try:
                    if probe(client):
                        system.ready_s[name] = round(time.monotonic() - system.started_at, 2)
                except (httpx.HTTPError, ValueError):
                    pass
            if "system" in system.ready_s:
                return dict(system.ready_s)
            time.sleep(poll_s)
    raise StartupFailed(f"not healthy after {timeout_s:.0f} s ({system.ready_s}); log:\n{system.log_tail()}")


class RssSampler:
    """Samples each process's RSS in the background of a load step and keeps the peak."""

    def __init__(self, system: System, interval_s: float = 0.5) -> None:
        self._system = system
        self._interval = interval_s
        self.peak_mb: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        for name, mb in self._system.rss_mb().items():
            self.peak_mb[name] = max(mb, self.peak_mb.get(name, 0.0))

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self._interval)

    async def __aenter__(self) -> RssSampler:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self.sample()
