"""`make bench`: start the real assistant on loopback, load it, write JSON + Markdown + PNG.

Order: (optional) timed cold-cache `rasa train` into a temp dir → start all processes (cold
start per process) → warm-up with every scenario → open-loop steps per rate, each rate on
parse, Rasa direct and bridge in turn with the same schedule and conversations → one
closed-loop saturation run per dialogue path. A path stops climbing once its p95 passes
--stop-p95-ms. Step length shrinks to fit --budget-s; steps that do not fit are "skipped".

--profile productie starts the production profile instead (Procfile.productie: PostgreSQL and
Redis, --rasa-instances Rasa/action server pairs, --bridge-workers uvicorn workers) on fresh
databases. With several Rasa servers (both profiles) parse and Rasa direct spread their messages
round-robin over them, message by message; the bridge sends each conversation to its own server
(bridge/services/rasa_pool.py). --profile referentie loads Rasa's starter bot instead
(bench/reference.py): Rasa direct only.

Usage: python -m bench.run [--budget-s 600] [--step-s 15] [--rates 2,5,10,20,30,40] [--no-train]
                           [--profile productie --rasa-instances 2]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.load import (
    PATHS,
    ConversationPool,
    Endpoints,
    Send,
    closed_loop,
    create_conversations,
    job_factory,
    open_loop,
    poisson_schedule,
    send_bridge,
    send_direct,
)
from bench.reference import REFERENCE, reference_model, start_reference_system
from bench.report import write_reports
from bench.scenarios import Scenario, load_scenarios, scenario_stream, text_stream
from bench.stats import StepResult, bridge_overhead, percentile
from bench.system import (
    POSTGRES_ADMIN_URL,
    REDIS_URL,
    CpuMeter,
    RssSampler,
    System,
    start_production_system,
    start_system,
    wait_ready,
)
from bridge.core.config import PROJECT_ROOT, Settings

RESULTS_DIR = Path(__file__).with_name("results")
PAUSE_BETWEEN_STEPS_S = 1.0  # lets queues and the tracker store settle
STEP_OVERHEAD_S = 4.0  # per step: creating conversations, drain, pause (for budgeting)
MIN_STEP_S = 5.0
# Every virtual user comes from 127.0.0.1: lift the per-address limits (the limiter still runs;
# the per-conversation limit stays as configured, one person's pace is within it).
BENCH_ENV = {"RATE_LIMIT_PER_CLIENT": "1000000/minute", "RATE_LIMIT_NEW_CONVERSATIONS": "1000000/minute"}
PROFILES = ("standaard", "productie", REFERENCE)
DEFAULT_BRIDGE_WORKERS = 2  # as .env.productie.example: about 2 per core is a good start
READY_TIMEOUT_PER_RASA_S = 300.0  # the Rasa servers load their model at the same time


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget-s", type=float, default=600.0, help="hard time limit of the whole run")
    parser.add_argument("--step-s", type=float, default=15.0, help="length of one open-loop step (max)")
    parser.add_argument("--rates", default="2,5,10,20,30,40", help="open-loop arrival rates, msg/s")
    parser.add_argument("--paths", default=",".join(PATHS), help="paths for the open loop")
    parser.add_argument("--stop-p95-ms", type=float, default=1000.0, help="stop a path's climb past this p95")
    parser.add_argument("--closed-clients", type=int, default=20, help="clients of the saturation run")
    parser.add_argument("--closed-s", type=float, default=20.0, help="length of each saturation run")
    parser.add_argument("--closed-paths", default="direct,bridge", help="paths of the saturation run")
    parser.add_argument(
        "--paired-rounds",
        type=int,
        default=1,
        help="rounds of all scenarios, one client, alternating direct and bridge (0: none)",
    )
    parser.add_argument("--timeout-s", type=float, default=15.0, help="one request's timeout (counts as error)")
    parser.add_argument("--seed", type=int, default=9, help="seed of arrivals and scenario order")
    parser.add_argument(
        "--train",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a cold-cache `rasa train` into a temp dir first",
    )
    parser.add_argument(
        "--train-timeout-s",
        type=float,
        default=300.0,
        help="stop timing `rasa train` after this (the target of issue 9 is 300 s)",
    )
    parser.add_argument("--model", type=Path, help="model to serve (default: models/$(cat models/CURRENT))")
    parser.add_argument("--label", default="", help="name of this variant, e.g. 'TED max_history 3'")
    parser.add_argument("--note", default="", help="free text stored with the result")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--workdir", type=Path, help="keep databases and processes.log here (default: a temp dir, removed)"
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="standaard",
        help="standaard: SQLite, one process of each kind (Procfile); productie: "
        "PostgreSQL + Redis, Procfile.productie (fresh databases, dropped afterwards)",
    )
    parser.add_argument(
        "--rasa-instances", type=int, default=1, help="productie: Rasa servers, each with its own action server"
    )
    parser.add_argument(
        "--rasa-servers",
        type=int,
        help="standaard: Rasa servers on the one action server (default: the RASA_SERVERS setting)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment of the processes (repeatable), e.g. a variant's setting",
    )
    parser.add_argument(
        "--bridge-workers",
        type=int,
        help=f"productie: uvicorn workers of the bridge (default {DEFAULT_BRIDGE_WORKERS})",
    )
    parser.add_argument(
        "--postgres-admin-url",
        default=POSTGRES_ADMIN_URL,
        help="productie: PostgreSQL role that may create and drop databases",
    )
    parser.add_argument("--redis-url", default=REDIS_URL, help="productie: Redis for locks, events, rate limits")
    args = parser.parse_args(argv)
    if args.rasa_instances < 1:
        parser.error("--rasa-instances must be at least 1")
    if args.profile != "productie" and (args.rasa_instances != 1 or args.bridge_workers is not None):
        parser.error("--rasa-instances and --bridge-workers need --profile productie")
    if args.rasa_servers is not None and (args.profile != "standaard" or args.rasa_servers < 1):
        parser.error("--rasa-servers needs --profile standaard and at least 1")
    if args.profile == REFERENCE:  # the starter bot has no bridge: Rasa direct only
        args.paths, args.closed_paths, args.paired_rounds = "direct", "direct", 0
    bad_env = [item for item in args.env if "=" not in item]
    if bad_env:
        parser.error(f"--env wants NAME=VALUE, not {bad_env}")
    args.env = dict(item.split("=", 1) for item in args.env)
    if args.profile == "productie" and args.bridge_workers is None:
        args.bridge_workers = DEFAULT_BRIDGE_WORKERS
    if args.bridge_workers is not None and args.bridge_workers < 1:
        parser.error("--bridge-workers must be at least 1")
    args.rates = [float(r) for r in args.rates.split(",") if r]
    args.paths = [p for p in args.paths.split(",") if p]
    args.closed_paths = [p for p in args.closed_paths.split(",") if p]
    unknown = set(args.paths + args.closed_paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown path(s) {sorted(unknown)}; choose from {PATHS}")
    return args


def time_train(timeout_s: float) -> dict[str, Any]:
    """Seconds of `rasa train` as scripts/train.sh runs it, into a temp dir with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # Rasa 3 caches trained components in .rasa/cache: an empty cache makes it a cold train
            "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache"),
        }
        command = [
            str(PROJECT_ROOT / ".venvs/rasa/bin/rasa"), "train", "--config", "config.yml", "--domain", "bot/domain",
            "--data", "bot/data", "--out", tmp, "--fixed-model-name", "bench", "--quiet",
        ]  # fmt: skip
        start = time.monotonic()
        try:
            done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"status": f"timeout after {timeout_s:.0f} s", "seconds": None}
        seconds = round(time.monotonic() - start, 1)
        if done.returncode != 0 or not (Path(tmp) / "bench.tar.gz").exists():
            tail = done.stderr.decode(errors="replace")[-1500:]
            return {"status": f"failed (exit {done.returncode})", "seconds": seconds, "stderr_tail": tail}
        return {"status": "ok", "seconds": seconds}


def current_model() -> Path:
    """The model `make train` made for the current bot data."""
    pointer = PROJECT_ROOT / "models" / "CURRENT"
    if not pointer.exists():
        raise SystemExit("No trained model: run `make train` first (make bench does).")
    return PROJECT_ROOT / "models" / pointer.read_text().strip()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.decode().strip() or None


def spread_jobs(
    path: str, endpoints: Sequence[Endpoints], pool: ConversationPool | None, texts: Iterator[str] | None
) -> Callable[[httpx.AsyncClient], Awaitable[Send]]:
    """bench.load.job_factory over several Rasa servers: each next message goes to the next server
    in turn, whatever its conversation (the bridge's RasaPool keeps a conversation on one server
    instead). The conversations (pool) and texts are shared, so a conversation's turns stay in order."""
    factories = itertools.cycle([job_factory(path, e, pool, texts) for e in endpoints])

    async def next_job(client: httpx.AsyncClient) -> Send:
        return await next(factories)(client)

    return next_job


class Runner:
    """Runs the load steps against one running system and collects their summaries."""

    def __init__(self, system: System, scenarios: list[Scenario], args: argparse.Namespace, deadline: float) -> None:
        self.system = system
        self.scenarios = scenarios
        self.args = args
        self.deadline = deadline
        # one per Rasa server (the bridge URL is the same: its workers share one port)
        self.instances = [Endpoints(url, system.env["RASA_TOKEN"], system.bridge_url) for url in system.rasa_urls]
        self.endpoints = self.instances[0]
        self.peak_rss: dict[str, float] = {}

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    async def new_ids(self, client: httpx.AsyncClient, n: int) -> list[str]:
        """n fresh conversation ids: bridge conversations, or (reference: no bridge) uuid4s as the bridge makes."""
        if self.system.reference:
            return [str(uuid.uuid4()) for _ in range(n)]
        return await create_conversations(client, self.system.bridge_url, n)

    async def warm_up(self, client: httpx.AsyncClient) -> dict[str, Any]:
        """Every scenario once on each path and each Rasa server (TensorFlow traces its graphs on
        first use); the intents the first server found."""
        ids = await self.new_ids(client, 2 * len(self.scenarios) * len(self.instances))
        intents: dict[str, list[str]] = {}
        for n, endpoints in enumerate(self.instances):
            for scenario in self.scenarios:
                for text in scenario.text_turns:
                    response = await client.post(
                        f"{endpoints.rasa_url}/model/parse", params={"token": endpoints.rasa_token}, json={"text": text}
                    )
                    response.raise_for_status()
                    if n == 0:
                        intents.setdefault(scenario.name, []).append(response.json()["intent"]["name"])
                # the bridge spreads over all servers itself: one round per server reaches each about once
                for path in ("direct",) if self.system.reference else ("direct", "bridge"):
                    pool = ConversationPool(iter([scenario]), [ids.pop()], self.system.bridge_url)
                    next_job = job_factory(path, endpoints, pool, None)
                    for _ in scenario.turns:
                        send = await next_job(client)
                        await send(client)  # raises: a failing warm-up means a broken system
        missing = {
            s.name: sorted(set(s.expect_intents) - set(intents.get(s.name, [])))
            for s in self.scenarios
            if set(s.expect_intents) - set(intents.get(s.name, [])) and not self.system.reference
        }
        return {"intents": intents, "expected_intents_missing": missing}

    async def paired(self, client: httpx.AsyncClient, rounds: int) -> dict[str, Any]:
        """One client, turn by turn alternating Rasa direct and bridge: overhead immune to drifting load."""
        loop = asyncio.get_running_loop()
        ids = await create_conversations(client, self.system.bridge_url, 2 * rounds * len(self.scenarios))
        latencies: dict[str, list[float]] = {"direct": [], "bridge": []}
        differences: list[float] = []
        senders = {"direct": send_direct, "bridge": send_bridge}
        next_instance = itertools.cycle(self.instances)  # direct: server by server, as the bridge does
        for n, scenario in enumerate(self.scenarios * rounds):
            conversation = {"direct": ids.pop(), "bridge": ids.pop()}
            for i, turn in enumerate(scenario.turns):
                order = ("direct", "bridge") if (n + i) % 2 == 0 else ("bridge", "direct")
                for path in order:
                    endpoints = next(next_instance) if path == "direct" else self.endpoints
                    t0 = loop.time()
                    await senders[path](client, endpoints, conversation[path], turn)
                    latencies[path].append(loop.time() - t0)
                differences.append(latencies["bridge"][-1] - latencies["direct"][-1])
        direct_p50 = percentile(latencies["direct"], 50) or 0.0
        overhead = percentile(differences, 50) or 0.0
        summary = {
            "messages_per_path": len(differences),
            "direct_p50_ms": round(1000 * direct_p50, 1),
            "bridge_p50_ms": round(1000 * (percentile(latencies["bridge"], 50) or 0.0), 1),
            "direct_p95_ms": round(1000 * (percentile(latencies["direct"], 95) or 0.0), 1),
            "bridge_p95_ms": round(1000 * (percentile(latencies["bridge"], 95) or 0.0), 1),
            "overhead_median_ms": round(1000 * overhead, 1),
            "overhead_ratio": round(overhead / direct_p50, 3) if direct_p50 else None,
        }
        print(f"  paired, 1 client: {summary}", flush=True)
        return summary

    async def _step(self, client: httpx.AsyncClient, path: str, result: StepResult, run: Any) -> dict[str, Any]:
        with CpuMeter(self.system) as cpu:
            async with RssSampler(self.system) as sampler:
                await run
        result.rss_peak_mb = sampler.peak_mb
        for name, mb in sampler.peak_mb.items():
            self.peak_rss[name] = max(mb, self.peak_rss.get(name, 0.0))
        await asyncio.sleep(PAUSE_BETWEEN_STEPS_S)
        summary = result.summary()
        summary["cpu_cores"] = cpu.cores
        print(
            f"  {result.mode:6} {path:6} rate={result.target_rate or '-'} clients={result.clients or '-'}: "
            f"achieved {summary['achieved_rate']} msg/s, p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
            f"errors {summary['errors']}/{summary['offered']}",
            flush=True,
        )
        return summary

    async def open_step(self, client: httpx.AsyncClient, path: str, rate: float, step_s: float) -> dict[str, Any]:
        """One open-loop step: the same arrivals and conversations for every path at this rate."""
        schedule = poisson_schedule(rate, step_s, random.Random(f"{self.args.seed}-{rate}"))
        pool, texts = None, None
        if path == "parse":
            texts = text_stream(self.scenarios, seed=self.args.seed + int(rate))
        else:
            # at most one new conversation per arrival: enough ids, created before the clock starts
            ids = await self.new_ids(client, len(schedule))
            pool = ConversationPool(
                scenario_stream(self.scenarios, seed=self.args.seed + int(rate)), ids, self.system.bridge_url
            )
        result = StepResult(path, "open", rate, 0.0)
        summary = await self._step(
            client, path, result, open_loop(client, spread_jobs(path, self.instances, pool, texts), result, schedule)
        )
        if pool is not None:
            summary["conversations"] = pool.started
        return summary

    async def closed_step(
        self, client: httpx.AsyncClient, path: str, clients: int, duration_s: float
    ) -> dict[str, Any]:
        """Closed loop: `clients` users without think time."""
        pool, texts = None, None
        if path == "parse":
            texts = text_stream(self.scenarios, seed=self.args.seed)
        else:
            # the reference cannot make more on the way (no bridge): enough for any saturation run
            ids = await self.new_ids(client, clients * (200 if self.system.reference else 4))
            pool = ConversationPool(scenario_stream(self.scenarios, seed=self.args.seed), ids, self.system.bridge_url)
        result = StepResult(path, "closed", None, 0.0, clients=clients)
        next_job = spread_jobs(path, self.instances, pool, texts)
        return await self._step(client, path, result, closed_loop(client, next_job, result, clients, duration_s))

    def plan_step_s(self) -> float:
        """Open-loop step length that fits the remaining budget (never more than --step-s)."""
        args = self.args
        n_open = len(args.rates) * len(args.paths)
        closed_total = len(args.closed_paths) * (args.closed_s + STEP_OVERHEAD_S + args.timeout_s / 3)
        available = self.remaining() - closed_total - 10.0
        fitted = available / max(n_open, 1) - STEP_OVERHEAD_S
        return max(MIN_STEP_S, min(args.step_s, fitted))

    async def run(self) -> dict[str, Any]:
        args = self.args
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
        out: dict[str, Any] = {"open_loop": [], "closed_loop": []}
        async with httpx.AsyncClient(timeout=args.timeout_s, limits=limits) as client:
            print("==> warm-up: every scenario once per path", flush=True)
            out["warmup"] = await self.warm_up(client)
            out["rss_warm"] = self.system.rss_mb()
            if args.paired_rounds:
                print("==> paired: Rasa direct and bridge alternating, one client", flush=True)
                out["paired"] = await self.paired(client, args.paired_rounds)
            step_s = self.plan_step_s()
            out["step_s"] = step_s
            closed_reserve = len(args.closed_paths) * (args.closed_s + STEP_OVERHEAD_S + args.timeout_s / 3)
            print(f"==> open loop, {step_s:.0f} s per step", flush=True)
            stopped: dict[str, str] = {}
            for rate in args.rates:
                for path in args.paths:
                    skipped = stopped.get(path)
                    if not skipped and self.remaining() - closed_reserve < step_s + STEP_OVERHEAD_S + 2:
                        skipped = "time budget"
                    if skipped:
                        out["open_loop"].append({"path": path, "mode": "open", "target_rate": rate, "skipped": skipped})
                        continue
                    summary = await self.open_step(client, path, rate, step_s)
                    out["open_loop"].append(summary)
                    if summary["p95_ms"] is None or summary["p95_ms"] > args.stop_p95_ms:
                        stopped[path] = f"p95 > {args.stop_p95_ms:g} ms at {rate:g} msg/s"
            print(f"==> closed loop, {args.closed_clients} clients", flush=True)
            for path in args.closed_paths:
                duration = min(args.closed_s, self.remaining() - STEP_OVERHEAD_S - args.timeout_s)
                if duration < MIN_STEP_S:
                    out["closed_loop"].append({"path": path, "clients": args.closed_clients, "skipped": "time budget"})
                    continue
                out["closed_loop"].append(await self.closed_step(client, path, args.closed_clients, duration))
        return out


def overhead_rows(open_loop: list[dict[str, Any]], stop_p95_ms: float) -> list[dict[str, Any]]:
    """Bridge overhead at every rate where both dialogue paths were measured."""
    by_key = {(s["path"], s["target_rate"]): s for s in open_loop if not s.get("skipped")}
    rows = []
    for (path, rate), direct in sorted(by_key.items(), key=lambda kv: kv[0][1]):
        bridge = by_key.get(("bridge", rate))
        if path != "direct" or bridge is None:
            continue
        carried = direct["achieved_rate"] >= 0.9 * rate and direct["error_rate"] <= 0.01
        below = carried and direct["p95_ms"] is not None and direct["p95_ms"] <= stop_p95_ms
        rows.append({
            "target_rate": rate,
            "direct_p50_ms": direct["p50_ms"],
            "bridge_p50_ms": bridge["p50_ms"],
            **bridge_overhead(bridge, direct),
            "below_saturation": below,
        })  # fmt: skip
    return rows


def profile_meta(args: argparse.Namespace) -> dict[str, Any]:
    """What the result records about the profile (the default profile: one of each, SQLite)."""
    productie = args.profile == "productie"
    servers = rasa_servers(args)
    return {
        "profile": args.profile,
        "rasa_instances": servers,
        "bridge_workers": args.bridge_workers if productie else (0 if args.profile == REFERENCE else 1),
        "databases": {"productie": "PostgreSQL + Redis", REFERENCE: "in memory"}.get(args.profile, "SQLite"),
        # parse and direct: message by message over the servers (Runner.instances); the bridge: sticky
        "spread": "round-robin per message" if servers > 1 else None,
        "env": args.env,
    }


def rasa_servers(args: argparse.Namespace) -> int:
    if args.profile == "standaard":
        return args.rasa_servers or int(os.environ.get("RASA_SERVERS") or Settings.model_fields["rasa_servers"].default)
    return args.rasa_instances


def describe_profile(args: argparse.Namespace) -> str:
    if args.profile == REFERENCE:
        return "reference: Rasa's starter bot (rasa init), one plain `rasa run`"
    if args.profile == "standaard":
        return f"default profile: {rasa_servers(args)} Rasa server(s), action server and bridge on SQLite"
    return (
        f"production profile: {args.rasa_instances} Rasa + action server pair(s), "
        f"bridge with {args.bridge_workers} worker(s), PostgreSQL + Redis"
    )


def start(args: argparse.Namespace, workdir: Path, model: Path) -> System:
    """Start the processes of the chosen profile with the benchmark's rate limits."""
    if args.profile == REFERENCE:
        return start_reference_system(workdir)
    if args.profile == "standaard":
        return start_system(
            workdir, model=model, extra_env={**BENCH_ENV, "RASA_SERVERS": str(rasa_servers(args)), **args.env}
        )
    return start_production_system(
        workdir, args.rasa_instances, model=model, extra_env={**BENCH_ENV, **args.env},
        bridge_workers=args.bridge_workers,
        postgres_admin_url=args.postgres_admin_url, redis_url=args.redis_url,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> Path:
    args = parse_args(argv)
    # the starter bot is trained (once) before the clock starts
    model = reference_model() if args.profile == REFERENCE else args.model or current_model()
    started_wall = datetime.now()
    t0 = time.monotonic()
    deadline = t0 + args.budget_s
    scenarios = load_scenarios()
    result: dict[str, Any] = {
        "meta": {
            "started": started_wall.strftime("%Y-%m-%d %H:%M"),
            "commit": _git_commit(),
            "model": model.name,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "budget_s": args.budget_s,
            "step_s": args.step_s,
            "rates": args.rates,
            "seed": args.seed,
            "timeout_s": args.timeout_s,
            "scenarios": len(scenarios),
            "bridge_env": BENCH_ENV,
            "label": args.label,
            "note": args.note,
            **profile_meta(args),
        }
    }
    if args.train and args.profile != REFERENCE:
        print("==> timing a cold-cache rasa train (temp dir)", flush=True)
        # at most half the budget: the load needs the rest
        result["train"] = time_train(min(args.train_timeout_s, args.budget_s / 2))
        print(f"    {result['train']}", flush=True)
    else:
        result["train"] = {"status": "not measured (--no-train)", "seconds": None}

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        print(f"==> starting the {describe_profile(args)} (log: {workdir / 'processes.log'})", flush=True)
        system = start(args, workdir, model)
        try:
            result["cold_start_s"] = wait_ready(system, timeout_s=READY_TIMEOUT_PER_RASA_S * rasa_servers(args))
            print(f"    ready: {result['cold_start_s']}", flush=True)
            time.sleep(2.0)  # let start-up allocations settle before reading idle memory
            result["rss_mb"] = {"idle": system.rss_mb()}
            runner = Runner(system, scenarios, args, deadline)
            load = asyncio.run(runner.run())
        finally:
            system.stop()
    result["rss_mb"]["warm"] = load.pop("rss_warm")
    result["rss_mb"]["peak_load"] = runner.peak_rss
    result["meta"]["step_s"] = load.pop("step_s")
    result.update(load)
    result["bridge_overhead"] = overhead_rows(result["open_loop"], args.stop_p95_ms)
    result["meta"]["elapsed_s"] = round(time.monotonic() - t0, 1)

    args.out.mkdir(parents=True, exist_ok=True)
    stem = started_wall.strftime("%Y-%m-%d-%H%M")
    if args.profile == "productie":
        stem += f"-productie-{args.rasa_instances}"
    if args.label:
        stem += f"-{_slug(args.label)}"
    json_path = args.out / f"{stem}.json"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md, png = write_reports(result, json_path)
    print(f"==> wrote {json_path}, {md.name}, {png.name} in {result['meta']['elapsed_s']:.0f} s")
    return json_path


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:40]


if __name__ == "__main__":
    main()
