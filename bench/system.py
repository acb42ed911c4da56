"""Start the real assistant (Rasa, action server, bridge) under supervisord on free loopback ports.

The same start-up as `make run` (Procfile + scripts.run: process_env and the supervisord configuration),
but with its own working directory and databases, per-process readiness times, memory and CPU readings.
`start_production_system` starts the production profile the same way (`make run-prod`:
Procfile.productie, N Rasa/action server pairs, bridge workers) on fresh PostgreSQL databases,
which `System.stop` drops again. The one harness of the benchmark, tests/e2e and tests/production:
a test kills a process (`System.kill`, as a crash would; supervisord restarts it unless told not to)
or adds a bridge on a port of its own (`System.add_bridge`, a worker a client can choose).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import redis
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from bridge.core.config import PROJECT_ROOT, Settings
from scripts.run import DEFAULT_PROCFILE, PRODUCTION_PROCFILE, SECRET_NAMES, is_production, process_env, run_dir
from scripts.supervise import read_procfile

# Where the production profile finds PostgreSQL (a role that may create databases) and Redis.
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
# How a process of the Procfile is recognised among supervisord's children (by its command line); the
# action server (bot/action_server.py) takes `rasa run actions`' own options.
_PROCESS_MARKERS = {
    "rasa": " run --model",
    "actions": "--actions bot.actions",
    "bridge": "bridge.main:create_app",
}


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    return free_ports(1)[0]


def free_ports(n: int) -> list[int]:
    """n different free loopback ports (all held open while choosing, so none comes twice)."""
    with ExitStack() as stack:
        ports = []
        for _ in range(n):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def procfile_commands(*, production: bool) -> dict[str, str]:
    """The command of every process type in Procfile.productie, or in the Procfile of the default profile."""
    return read_procfile(PROJECT_ROOT / (PRODUCTION_PROCFILE if production else DEFAULT_PROCFILE))


class StartupFailed(RuntimeError):
    """The processes exited or did not become healthy in time."""


@dataclass
class SeparateProcess:
    """A process started from its Procfile line beside supervisord, not supervised (System.add_bridge)."""

    process: subprocess.Popen[bytes]
    port: str
    started_at: float


@dataclass
class System:
    """A running assistant: its environment, URLs and the supervisord process that supervises it."""

    env: dict[str, str]
    workdir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    started_at: float
    ready_s: dict[str, float] = field(default_factory=dict)
    # Run once after the processes stopped (e.g. dropping the databases of a production run).
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    # Bridges started beside supervisord's by add_bridge(), by name (bridge.2, bridge.3, …).
    separate: dict[str, SeparateProcess] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return is_production(self.env)

    @property
    def reference(self) -> bool:
        """Rasa's starter bot (bench/reference.py): no bridge, no action server."""
        return self.env.get("BENCH_REFERENCE") == "1"

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.env['BRIDGE_PORT']}"

    @property
    def bridge_urls(self) -> list[str]:
        """Every bridge: supervisord's, then those of add_bridge() in the order they were added."""
        return [self.bridge_url, *(f"http://127.0.0.1:{extra.port}" for extra in self.separate.values())]

    @property
    def rasa_url(self) -> str:
        """The (first) Rasa server."""
        return self.rasa_urls[0]

    @property
    def actions_url(self) -> str:
        """The (first) action server."""
        return self.actions_urls[0]

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa server, in instance order (rasa.1 first)."""
        return [f"http://127.0.0.1:{port}" for port in self._ports("RASA")]

    @property
    def actions_urls(self) -> list[str]:
        """Every action server, in instance order (Rasa server i calls action server i)."""
        return [f"http://127.0.0.1:{port}" for port in self._ports("ACTIONS")]

    def _ports(self, kind: str) -> list[str]:
        listed = self.env.get(f"{kind}_PORTS", "")
        return [port for port in listed.split(",") if port] or [self.env[f"{kind}_PORT"]]

    def instances(self, kind: str) -> dict[str, str]:
        """Name → URL of each `rasa` or `actions` instance, named as supervisord names them (processes(),
        ready_s): Rasa servers always `rasa.1`, `rasa.2`, …; the action server `actions` in the default
        profile (one), `actions.1`, `actions.2`, … in productie."""
        urls = self.rasa_urls if kind == "rasa" else self.actions_urls
        if kind == "actions" and not self.production:
            return {kind: urls[0]}
        return {f"{kind}.{i}": url for i, url in enumerate(urls, start=1)}

    def processes(self) -> dict[str, psutil.Process]:
        """The top process of each supervised program instance, by its supervisord name.

        Names: `rasa.1`, `rasa.2`, …, `actions` (productie: `actions.1`, …), `bridge`. The bridge is one
        entry: its uvicorn workers are its children. Bridges of add_bridge() follow as `bridge.2`, ….
        """
        # supervisord → the program (`sh -c 'exec …'` became it), or the shell while it runs alembic
        try:
            descendants = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return {}
        kinds: dict[int, str] = {}
        for proc in descendants:
            try:
                cmdline = " ".join(proc.cmdline())
            except psutil.Error:
                continue
            for kind, marker in _PROCESS_MARKERS.items():
                if marker in cmdline:
                    kinds[proc.pid] = kind
        found: dict[str, psutil.Process] = {}
        for proc in descendants:
            kind = kinds.get(proc.pid)
            try:
                if kind is None or kinds.get(proc.ppid()) == kind:  # only the highest match of its entry
                    continue
                name = self._instance_name(kind, proc)
            except psutil.Error:
                continue
            found[name] = proc
        for name, extra in self.separate.items():
            try:
                if extra.process.poll() is None:
                    found[name] = psutil.Process(extra.process.pid)
            except psutil.Error:
                continue
        return found

    def _instance_name(self, kind: str, proc: psutil.Process) -> str:
        # supervisord gives every process its name in the environment (scripts/instance.sh picks its port by it)
        return proc.environ().get("SUPERVISOR_PROCESS_NAME") or kind

    def rss_mb(self) -> dict[str, float]:
        """Resident memory (MiB) of each process, its children included (the shell, the uvicorn workers)."""
        result = {}
        for name, top in self.processes().items():
            try:
                total = sum(proc.memory_info().rss for proc in [top, *top.children(recursive=True)])
            except psutil.Error:
                continue
            result[name] = round(total / 2**20, 1)
        return result

    def pid_of(self, name: str) -> int | None:
        """The pid of one process (named as in processes()), None while it does not run."""
        process = self.processes().get(name)
        return process.pid if process is not None else None

    def kill(self, name: str, *, restart: bool = True) -> int:
        """SIGKILL one process (named as in processes()), as a crash or an OOM kill would; its pid.

        supervisord starts it again at once; with restart=False it is told to leave it down for good.
        A bridge of add_bridge() is not supervised: it stays down, its whole process group with it.
        """
        pid = self.pid_of(name)
        if pid is None:
            raise LookupError(f"{name} is not running: {sorted(self.processes())}")
        if name in self.separate:
            os.killpg(pid, signal.SIGKILL)
            self.separate[name].process.wait(timeout=30)
            return pid
        os.kill(pid, signal.SIGKILL)
        if not restart:
            self._keep_stopped(name)
        return pid

    def supervisorctl(self, *args: str) -> str:
        """supervisorctl on this system's supervisord (e.g. `status`); what it printed."""
        config = run_dir(self.env) / "supervisord.conf"
        command = [str(PROJECT_ROOT / ".venvs/app/bin/supervisorctl"), "-c", str(config), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        return result.stdout + result.stderr

    def supervisor_state(self, name: str) -> str:
        """supervisord's state of one process (RUNNING, STARTING, BACKOFF, EXITED, STOPPED, FATAL, …)."""
        # `rasa.1` is process rasa.1 of program rasa; an unscaled program's one process has its name
        output = self.supervisorctl("status", f"{name.split('.')[0]}:{name}").split()
        return output[1] if len(output) > 1 else "UNKNOWN"

    def _keep_stopped(self, name: str, timeout_s: float = 60.0) -> None:
        """Have supervisord leave a killed process down. It may hold it as EXITED for a moment before it
        starts it again, when `stop` finds nothing running: so stop it until it says STOPPED."""
        deadline = time.monotonic() + timeout_s
        while (state := self.supervisor_state(name)) != "STOPPED":
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord does not leave {name} stopped (state {state})")
            if state in ("RUNNING", "STARTING", "BACKOFF"):
                self.supervisorctl("stop", f"{name.split('.')[0]}:{name}")
            else:
                time.sleep(0.1)

    def add_bridge(self) -> str:
        """Start one more bridge from the profile's Procfile line, on a free port of its own, sharing the
        databases and Redis: a worker a client can choose (uvicorn's --workers share one port). Named
        bridge.2, bridge.3, …; wait_ready() waits for it, stop() stops it, nothing restarts it. Its URL."""
        name, port = f"bridge.{len(self.separate) + 2}", str(free_port())
        with self.log_path.open("a") as log:
            process = subprocess.Popen(
                ["/bin/sh", "-c", procfile_commands(production=self.production)["bridge"]],
                cwd=PROJECT_ROOT,
                env={**self.env, "BRIDGE_PORT": port},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() and stop() take the shell's children along
            )
        self.separate[name] = SeparateProcess(process, port, time.monotonic())
        return f"http://127.0.0.1:{port}"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def descendants(self) -> list[psutil.Process]:
        """Every process supervisord started, and theirs."""
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """Stop the bridges of add_bridge(), then supervisord as Ctrl-C does (it stops every program, each in
        its own process group), then kill whatever is still there, then clean up."""
        try:
            try:
                self._stop_separate()
            finally:
                self._stop_supervisord()
        finally:
            while self.cleanups:
                self.cleanups.pop()()

    def _stop_separate(self) -> None:
        for extra in self.separate.values():
            if extra.process.poll() is None:
                os.killpg(extra.process.pid, signal.SIGTERM)
        for extra in self.separate.values():
            try:
                extra.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(extra.process.pid, signal.SIGKILL)
                extra.process.wait(timeout=10)

    def _stop_supervisord(self) -> None:
        if self.process.poll() is None:
            family = self.descendants()
            os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the foreground group
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            for proc in family:  # a leftover would hold its port and the SQLite files
                try:
                    proc.kill()
                except psutil.Error:
                    pass


def _cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def sum_by_kind(values: dict[str, float]) -> dict[str, float]:
    """Per-instance values (`rasa.1`, `rasa.2`) summed per kind (`rasa`); other names unchanged."""
    totals: dict[str, float] = {}
    for name, value in values.items():
        kind = name.split(".")[0]
        totals[kind] = round(totals.get(kind, 0.0) + value, 2)
    return totals


def launch_env(workdir: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment scripts.run gets here: supervisord's files in workdir/run, no Telegram connector."""
    return {**env, "ELKEDEUR_RUN_DIR": str(workdir / "run"), "TELEGRAM_BOT_TOKEN": ""}


def _launch(workdir: Path, env: dict[str, str]) -> System:
    """`python -m scripts.run` as `make run` starts it (it execs supervisord, which stays this process),
    with the run directory (configuration, socket, supervisord's log) in workdir/run; no Telegram."""
    log_path = workdir / "processes.log"
    env = launch_env(workdir, env)
    # append mode: supervisord opens /dev/stdout again for every program, whose lines must land after the rest
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [str(PROJECT_ROOT / ".venvs/app/bin/python"), "-m", "scripts.run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # as a terminal would: its own group, so a Ctrl-C-like SIGINT stops it
        )
    return System(env, workdir, log_path, process, time.monotonic())


def default_profile_ports(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """Free loopback ports for the default profile: RASA_SERVERS Rasa servers (from extra_env, the
    shell, else the setting's default), one action server, the bridge."""
    wanted = (extra_env or {}).get("RASA_SERVERS") or os.environ.get("RASA_SERVERS")
    servers = int(wanted or Settings.model_fields["rasa_servers"].default)
    *rasa_ports, actions_port, bridge_port = free_ports(servers + 2)
    return {
        "RASA_SERVERS": str(servers),
        "RASA_PORTS": ",".join(map(str, rasa_ports)),
        "RASA_PORT": str(rasa_ports[0]),
        "ACTIONS_PORTS": str(actions_port),
        "ACTIONS_PORT": str(actions_port),
        "BRIDGE_PORT": str(bridge_port),
    }


def start_system(workdir: Path, model: Path | None = None, extra_env: dict[str, str] | None = None) -> System:
    """Start the Rasa servers, the action server and the bridge with fresh databases in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    overrides = {
        **default_profile_ports(extra_env),
        "DATABASE_URL": f"sqlite:///{workdir / 'bridge.db'}",
        "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),
        "RASA_TOKEN": "bench-rasa-token",
        "BRIDGE_SERVICE_TOKEN": "bench-service-token",
        "STAFF_TOKEN": "bench-staff-token",
        "ACTION_SERVER_TOKEN": "bench-action-token",
        **(extra_env or {}),
    }
    if model is not None:
        overrides["RASA_MODEL"] = str(model)
    env = process_env(overrides)
    env["BRIDGE_URL"] = f"http://127.0.0.1:{env['BRIDGE_PORT']}"
    return _launch(workdir, env)


@dataclass(frozen=True)
class Databases:
    """The two PostgreSQL databases of one production-profile run: the bridge's and Rasa's trackers."""

    admin_url: str
    bridge_name: str
    rasa_name: str

    @property
    def bridge_url(self) -> str:
        """SQLAlchemy URL with psycopg 3, as the bridge connects."""
        return _database_url(self.admin_url, self.bridge_name, "postgresql+psycopg")

    @property
    def rasa_url(self) -> str:
        """Plain postgresql:// URL: Rasa's tracker store connects with psycopg2."""
        return _database_url(self.admin_url, self.rasa_name, "postgresql")

    def drop(self) -> None:
        """Drop both databases, closing connections a killed process may have left open."""
        with _admin_connection(self.admin_url) as (connection, quote):
            for name in (self.bridge_name, self.rasa_name):
                connection.execute(text(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)"))


def _database_url(admin_url: str, database: str, driver: str) -> str:
    url = make_url(admin_url).set(drivername=driver, database=database)
    return url.render_as_string(hide_password=False)


@contextmanager
def _admin_connection(admin_url: str) -> Iterator[tuple[Connection, Callable[[str], str]]]:
    """An AUTOCOMMIT connection (CREATE/DROP DATABASE cannot run in a transaction) and a name quoter."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # A database name cannot be a bind parameter; quote it as an identifier.
            yield connection, engine.dialect.identifier_preparer.quote
    finally:
        engine.dispose()


def create_databases(admin_url: str = POSTGRES_ADMIN_URL, prefix: str = "elkedeur_bench") -> Databases:
    """Two fresh PostgreSQL databases with unique names; call drop() when done."""
    databases = Databases(admin_url, f"{prefix}_{uuid.uuid4().hex[:10]}", f"{prefix}_rasa_{uuid.uuid4().hex[:10]}")
    try:
        with _admin_connection(admin_url) as (connection, quote):
            for name in (databases.bridge_name, databases.rasa_name):
                connection.execute(text(f"CREATE DATABASE {quote(name)}"))
    except BaseException:
        databases.drop()
        raise
    return databases


def production_overrides(
    databases: Databases,
    *,
    rasa_instances: int,
    bridge_workers: int,
    redis_url: str = REDIS_URL,
    lock_key_prefix: str = "elkedeurbench",
) -> dict[str, str]:
    """The production profile's settings on free loopback ports: the given databases, real random
    secrets (productie refuses placeholders) and Rasa lock keys of their own in the shared Redis."""
    ports = free_ports(2 * rasa_instances + 1)
    rasa_ports, actions_ports, bridge_port = ports[:rasa_instances], ports[rasa_instances:-1], ports[-1]
    return {
        "ELKEDEUR_PROFILE": "productie",
        "ENVIRONMENT": "productie",
        # hex: a token_urlsafe secret can start with "-", and Rasa's `--auth-token $RASA_TOKEN` then fails
        **{name: secrets.token_hex(24) for name in SECRET_NAMES},
        "DATABASE_URL": databases.bridge_url,
        "RASA_TRACKER_STORE_URL": databases.rasa_url,
        "REDIS_URL": redis_url,
        "RASA_LOCK_KEY_PREFIX": f"{lock_key_prefix}{uuid.uuid4().hex[:8]}",
        "RASA_PORTS": ",".join(map(str, rasa_ports)),
        "ACTIONS_PORTS": ",".join(map(str, actions_ports)),
        "BRIDGE_PORT": str(bridge_port),
        "BRIDGE_URL": f"http://127.0.0.1:{bridge_port}",
        "BRIDGE_WORKERS": str(bridge_workers),
    }


def require_redis(url: str) -> None:
    """Fail at once, not after minutes of start-up, when Redis does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        raise StartupFailed(f"Redis does not answer on {url}: {error}") from error
    finally:
        client.close()


def start_production_system(
    workdir: Path,
    rasa_instances: int,
    model: Path | None = None,
    extra_env: dict[str, str] | None = None,
    *,
    bridge_workers: int = 2,
    postgres_admin_url: str = POSTGRES_ADMIN_URL,
    redis_url: str = REDIS_URL,
    database_prefix: str = "elkedeur_bench",
    lock_key_prefix: str = "elkedeurbench",
) -> System:
    """The production profile as `make run-prod` starts it (Procfile.productie under supervisord,
    N instances of rasa and actions) on fresh PostgreSQL databases, which System.stop() drops again."""
    workdir.mkdir(parents=True, exist_ok=True)
    require_redis(redis_url)
    databases = create_databases(postgres_admin_url, prefix=database_prefix)
    try:
        overrides = {
            **production_overrides(
                databases,
                rasa_instances=rasa_instances,
                bridge_workers=bridge_workers,
                redis_url=redis_url,
                lock_key_prefix=lock_key_prefix,
            ),
            "RASA_TRACKER_DB": str(workdir / "rasa-tracker.db"),  # unused in productie; keeps var/ out of it
            **(extra_env or {}),
        }
        if model is not None:
            overrides["RASA_MODEL"] = str(model)
        env = process_env(overrides)
        system = _launch(workdir, env)
    except BaseException:
        databases.drop()
        raise
    system.cleanups.append(databases.drop)
    return system


def _probes(system: System) -> dict[str, Callable[[httpx.Client], bool]]:
    """Per process: when it counts as ready (Rasa: model loaded; bridge: answers at all)."""

    def rasa(url: str) -> Callable[[httpx.Client], bool]:
        def probe(client: httpx.Client) -> bool:
            response = client.get(f"{url}/status", params={"token": system.env["RASA_TOKEN"]})
            return response.status_code == 200 and bool(response.json().get("model_file"))

        return probe

    def actions(url: str) -> Callable[[httpx.Client], bool]:
        return lambda client: client.get(f"{url}/health").status_code == 200

    def bridge(url: str) -> Callable[[httpx.Client], bool]:
        # /health answers 503 while Rasa loads: any answer means the bridge itself is up
        return lambda client: client.get(f"{url}/health").status_code in (200, 503)

    def system_ready(client: httpx.Client) -> bool:
        # in productie /health is ok once one Rasa pair answers; the instance probes wait for all
        return client.get(f"{system.bridge_url}/health").status_code == 200

    rasa_probes = {name: rasa(url) for name, url in system.instances("rasa").items()}
    if system.reference:  # Rasa's starter bot: one Rasa server, nothing else
        return {**rasa_probes, "system": rasa_probes["rasa.1"]}
    return {
        **rasa_probes,
        **{name: actions(url) for name, url in system.instances("actions").items()},
        "bridge": bridge(system.bridge_url),
        "system": system_ready,
        **{name: bridge(f"http://127.0.0.1:{extra.port}") for name, extra in system.separate.items()},
    }


def wait_ready(system: System, timeout_s: float = 300.0, poll_s: float = 0.25) -> dict[str, float]:
    """Seconds from start until each process (and the whole system, via /health) is ready; a bridge of
    add_bridge() counts (and gets timeout_s) from its own start. Called again, it waits for what is new."""
    probes = _probes(system)
    started = {name: extra.started_at for name, extra in system.separate.items()}
    deadline = max([system.started_at, *started.values()]) + timeout_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if system.process.poll() is not None:
                raise StartupFailed(f"processes exited early; log:\n{system.log_tail()}")
            for name, extra in system.separate.items():
                if name not in system.ready_s and extra.process.poll() is not None:
                    raise StartupFailed(f"{name} exited early; log:\n{system.log_tail()}")
            for name, probe in probes.items():
                if name in system.ready_s:
                    continue
                try:
                    if probe(client):
                        since = started.get(name, system.started_at)
                        system.ready_s[name] = round(time.monotonic() - since, 2)
                except (httpx.HTTPError, ValueError):
                    pass
            if set(probes) <= set(system.ready_s):
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


# PostgreSQL and Redis are services of the machine, not children of supervisord: found by process name.
SERVICE_PROCESSES = {"postgres": "postgres", "redis-server": "redis"}
MACHINE = "machine"
LOAD_GENERATOR = "load generator"


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy so far (not idle, not waiting for the disk, not stolen)."""
    times = psutil.cpu_times()
    return sum(getattr(times, part, 0.0) for part in ("user", "nice", "system", "irq", "softirq"))


class CpuMeter:
    """CPU cores each process used during a load step (CPU seconds / wall seconds; 2.0 = both cores
    of a 2-core machine): the system's processes (children included), every PostgreSQL and Redis
    server process on the machine, this load generator, and the whole machine (`machine`)."""

    def __init__(self, system: System) -> None:
        self._system = system
        self.cores: dict[str, float] = {}
        self.seconds: dict[str, float] = {}  # CPU seconds used during the step, per name
        self.wall_s = 0.0

    def _by_pid(self) -> dict[int, tuple[str, float]]:
        """pid → (name it counts for, CPU seconds so far)."""
        readings: dict[int, tuple[str, float]] = {}
        for name, top in self._system.processes().items():
            try:
                family = [top, *top.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in family:
                try:
                    readings[proc.pid] = (name, _cpu_seconds(proc))
                except psutil.Error:
                    pass
        for proc in psutil.process_iter(["name", "cpu_times"]):
            label, times = SERVICE_PROCESSES.get(proc.info["name"] or ""), proc.info["cpu_times"]
            if label and times is not None:
                readings[proc.pid] = (label, times.user + times.system)
        own = psutil.Process()
        readings[own.pid] = (LOAD_GENERATOR, _cpu_seconds(own))
        return readings

    def __enter__(self) -> CpuMeter:
        self._start, self._machine, self._t0 = self._by_pid(), machine_busy_seconds(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        end, machine = self._by_pid(), machine_busy_seconds()
        self.wall_s = max(time.monotonic() - self._t0, 1e-6)
        # Per process, so a PostgreSQL backend that ends during the step does not subtract its whole
        # life's CPU from the rest (it takes only its last moments along); one that starts counts whole.
        used: dict[str, float] = {}
        for pid, (name, seconds) in end.items():
            used[name] = used.get(name, 0.0) + seconds - self._start.get(pid, (name, 0.0))[1]
        used[MACHINE] = machine - self._machine
        self.seconds = {name: max(seconds, 0.0) for name, seconds in used.items()}
        self.cores = {name: round(seconds / self.wall_s, 2) for name, seconds in self.seconds.items()}
