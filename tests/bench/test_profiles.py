"""The production profile in the benchmark: options, spreading over Rasa servers, its environment and databases."""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, text

from bench.load import ConversationPool, Endpoints, create_conversations, open_loop, poisson_schedule
from bench.run import parse_args, profile_meta, spread_jobs
from bench.scenarios import Scenario, scenario_stream
from bench.stats import StepResult
from bench.system import (
    CpuMeter,
    Databases,
    create_databases,
    launch_env,
    production_overrides,
    sum_by_kind,
)
from scripts.run import SECRET_NAMES, process_env, programs
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_available

SERVERS = [Endpoints(f"http://rasa{i}", "tok", "http://bridge") for i in (1, 2)]
SCENARIOS = [
    Scenario("a", "werkende", ("hallo", "ik werk in de zorg", "kan ik iemand spreken", "ja"), handoff=True),
    Scenario("b", "werkgever", ("hoi", "ik zoek personeel", "Almere"), handoff=False),
]


class TwoRasaServers:
    """Two Rasa servers and the bridge on a MockTransport; records which server got which turn."""

    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.turns: dict[str, list[tuple[str, str]]] = defaultdict(list)  # conversation → (host, turn)
        self.created = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/conversations":
            self.created += 1
            return httpx.Response(201, json={"id": f"c{self.created}"})
        self.hosts.append(request.url.host)
        await asyncio.sleep(0.02)
        if request.url.path == "/model/parse":
            return httpx.Response(200, json={"intent": {"name": "greet"}})
        message = json.loads(request.content)
        self.turns[message["sender"]].append((request.url.host, message["message"]))
        return httpx.Response(200, json=[{"text": "ok"}])


def _spread_direct(servers: TwoRasaServers, endpoints: list[Endpoints]) -> StepResult:
    async def run() -> StepResult:
        async with httpx.AsyncClient(transport=httpx.MockTransport(servers.handle)) as client:
            schedule = poisson_schedule(80.0, 1.0, random.Random(4))
            ids = await create_conversations(client, "http://bridge", len(schedule))
            pool = ConversationPool(scenario_stream(SCENARIOS, seed=2), ids, "http://bridge")
            result = StepResult("direct", "open", 80.0, 0.0)
            return await open_loop(client, spread_jobs("direct", endpoints, pool, None), result, schedule)

    return asyncio.run(run())


def test_direct_spreads_message_by_message_over_the_rasa_servers_keeping_each_conversation_in_order() -> None:
    servers = TwoRasaServers()
    result = _spread_direct(servers, SERVERS)
    assert not result.errors and len(result.latencies_s) > 50
    counts = Counter(servers.hosts)
    assert set(counts) == {"rasa1", "rasa2"} and abs(counts["rasa1"] - counts["rasa2"]) <= 1
    by_first_turn = {s.turns[0]: s.turns for s in SCENARIOS}
    for turns in servers.turns.values():
        texts = tuple(turn for _, turn in turns)
        assert texts == by_first_turn[texts[0]][: len(texts)]  # the shared pool keeps the order
    # per message, not per conversation: conversations move between the servers, as with the bridge
    assert any(len({host for host, _ in turns}) == 2 for turns in servers.turns.values())


def test_one_rasa_server_gets_everything() -> None:
    servers = TwoRasaServers()
    _spread_direct(servers, SERVERS[:1])
    assert set(servers.hosts) == {"rasa1"}


def test_parse_spreads_too() -> None:
    servers = TwoRasaServers()

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(servers.handle)) as client:
            next_job = spread_jobs("parse", SERVERS, None, iter(["hallo"] * 10))
            for _ in range(10):
                await (await next_job(client))(client)

    asyncio.run(run())
    assert servers.hosts == ["rasa1", "rasa2"] * 5


def test_profile_arguments() -> None:
    default = parse_args(["--rasa-servers", "1"])
    assert (default.profile, default.rasa_instances, default.bridge_workers) == ("standaard", 1, None)
    assert profile_meta(default) == {
        "profile": "standaard", "rasa_instances": 1, "bridge_workers": 1, "databases": "SQLite", "spread": None,
        "env": {},
    }  # fmt: skip
    two = parse_args(["--rasa-servers", "2", "--env", "A=1"])
    assert profile_meta(two)["rasa_instances"] == 2 and profile_meta(two)["env"] == {"A": "1"}
    reference = parse_args(["--profile", "referentie"])
    assert (reference.paths, reference.closed_paths, reference.paired_rounds) == (["direct"], ["direct"], 0)
    productie = parse_args(["--profile", "productie", "--rasa-instances", "2"])
    assert (productie.rasa_instances, productie.bridge_workers) == (2, 2)
    assert profile_meta(productie)["spread"] == "round-robin per message"
    assert parse_args(["--profile", "productie", "--bridge-workers", "3"]).bridge_workers == 3
    for wrong in (["--rasa-instances", "2"], ["--bridge-workers", "2"], ["--profile", "productie", "--rasa-instances", "0"],
                  ["--profile", "test"], ["--rasa-servers", "0"], ["--profile", "productie", "--rasa-servers", "2"],
                  ["--env", "GEEN_WAARDE"]):  # fmt: skip
        with pytest.raises(SystemExit):
            parse_args(wrong)


@pytest.fixture
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings of the shell running the tests must not leak into these environments.
    for name in ("ENVIRONMENT", "RATE_LIMIT_STORAGE_URI", "RASA_URLS", "ACTIONS_URLS", "RASA_LOCK_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("_no_outside_settings")
def test_the_production_environment_has_its_own_ports_secrets_and_lock_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")  # a connector configured in the shell is not started
    databases = Databases("postgresql+psycopg://bench:g%40heim@db.example:5433/postgres", "ed_b", "ed_r")
    overrides = production_overrides(databases, rasa_instances=2, bridge_workers=3, redis_url="redis://r:6380/1")
    env = process_env({**overrides, "RASA_MODEL": "models/test.tar.gz"})  # validates as `make run-prod` does
    assert env["DATABASE_URL"] == "postgresql+psycopg://bench:g%40heim@db.example:5433/ed_b"
    assert env["RASA_TRACKER_STORE_URL"] == "postgresql://bench:g%40heim@db.example:5433/ed_r"
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"]) == ("r", "6380", "1")
    ports = [*env["RASA_PORTS"].split(","), *env["ACTIONS_PORTS"].split(","), env["BRIDGE_PORT"]]
    assert len(ports) == len(set(ports)) == 5
    assert env["BRIDGE_URL"] == f"http://127.0.0.1:{env['BRIDGE_PORT']}" and env["BRIDGE_WORKERS"] == "3"
    secrets = [env[name] for name in SECRET_NAMES]
    assert len(set(secrets)) == len(SECRET_NAMES) and all(len(s) >= 30 for s in secrets)
    assert re.fullmatch(r"elkedeurbench[0-9a-f]{8}", env["RASA_LOCK_KEY_PREFIX"])
    other = production_overrides(databases, rasa_instances=2, bridge_workers=3)
    assert other["RASA_LOCK_KEY_PREFIX"] != overrides["RASA_LOCK_KEY_PREFIX"]
    started = {p.name: p.instances for p in programs(launch_env(tmp_path, env))}
    assert started == {"rasa": 2, "actions": 2, "bridge": 1, "ready": 1}  # no Telegram connector


def test_fresh_databases_are_created_and_dropped() -> None:
    if not _postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
    databases = create_databases(POSTGRES_ADMIN_URL, prefix="elkedeur_benchtest")
    admin = create_engine(POSTGRES_ADMIN_URL)

    def existing() -> set[str]:
        with admin.connect() as connection:
            rows = connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'elkedeur_benchtest%'"))
            return {row[0] for row in rows}

    try:
        assert {databases.bridge_name, databases.rasa_name} <= existing()
        bridge = create_engine(databases.bridge_url)
        connection = bridge.connect()  # left open, as by a killed process: drop() must end it
        assert connection.execute(text("SELECT current_database()")).scalar() == databases.bridge_name
        databases.drop()
        connection.invalidate()  # the server ended it: nothing to roll back
        bridge.dispose()
        assert not {databases.bridge_name, databases.rasa_name} & existing()
    finally:
        databases.drop()
        admin.dispose()


def test_instances_sum_per_kind() -> None:
    assert sum_by_kind({"rasa.1": 1.25, "rasa.2": 0.5, "bridge": 0.3, "load generator": 0.2}) == {
        "rasa": 1.75, "bridge": 0.3, "load generator": 0.2,
    }  # fmt: skip


class _OneProcess:
    """Stands for a System whose only process is `proc`."""

    def __init__(self, proc: psutil.Process) -> None:
        self.proc = proc

    def processes(self) -> dict[str, psutil.Process]:
        return {"rasa.1": self.proc}


def test_cpu_meter_counts_cores_per_process_this_load_generator_and_the_machine() -> None:
    busy = "import time\nwhile True: time.process_time()"
    child = subprocess.Popen([sys.executable, "-c", busy])
    try:
        with CpuMeter(_OneProcess(psutil.Process(child.pid))) as meter:  # type: ignore[arg-type]
            end = time.process_time() + 0.4
            while time.process_time() < end:  # 0.4 CPU seconds here, however busy the machine is
                pass
    finally:
        child.kill()
        child.wait()
    assert meter.cores["load generator"] * meter.wall_s == pytest.approx(0.4, abs=0.05 + 0.005 * meter.wall_s)
    assert meter.seconds["load generator"] == pytest.approx(0.4, abs=0.05)  # what bench/tuning.py reads
    assert meter.cores["rasa.1"] > 0
    assert meter.cores["machine"] * meter.wall_s >= 0.35
    assert all(cores >= 0 for cores in meter.cores.values())
    if _postgres_available():
        assert "postgres" in meter.cores  # a service of the machine, found by its process name
