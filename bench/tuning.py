"""The effect of each tuning step, measured the same way: `make bench-tuning` (issue 9).

Each variant starts the whole system (Rasa, action server, bridge on SQLite) with one setting changed,
then runs closed-loop clients without think time on the Rasa-direct and the bridge path. Besides
throughput and latency it reads the CPU seconds each process used per message (`CpuMeter`): on a shared 2-core
machine throughput moves with the neighbours' load, CPU time per message much less.

    PYTHONPATH=. .venvs/app/bin/python -m bench.tuning [--clients 6] [--seconds 30] [--variants a,b]

Writes bench/results/<date>-tuning.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.load import ConversationPool, Endpoints, closed_loop, create_conversations, job_factory
from bench.run import BENCH_ENV, RESULTS_DIR, _git_commit, current_model
from bench.scenarios import load_scenarios, scenario_stream
from bench.stats import StepResult
from bench.system import CpuMeter, System, start_system, sum_by_kind, wait_ready


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    env: dict[str, str]


ISSUE_9_FIXES = "validator,sqlite-wal,kept-sessions,eager-build"
ALL_FIXES = f"{ISSUE_9_FIXES},warm-up,lazy-ted"
KEPT_FIXES = f"{ISSUE_9_FIXES},warm-up"  # bot/rasa_server.py's DEFAULT_FIXES: lazy-ted did not pay
ONE_RASA = {"RASA_SERVERS": "1"}
# Cumulative: each step keeps the ones before it (bot/rasa_server.py explains the fixes); one Rasa server,
# as the default profile had before issue 18. Then issue 18's process settings on top of every fix.
VARIANTS = [
    Variant("rasa-3.6", "Rasa 3.6 as shipped", {**ONE_RASA, "RASA_SERVER_FIXES": ""}),
    Variant(
        "validator",
        "+ action answers checked by a validator built once",
        {**ONE_RASA, "RASA_SERVER_FIXES": "validator"},
    ),
    Variant(
        "sqlite-wal", "+ SQLite tracker store in WAL mode", {**ONE_RASA, "RASA_SERVER_FIXES": "validator,sqlite-wal"}
    ),
    Variant(
        "kept-sessions",
        "+ kept connections to the action server",
        {**ONE_RASA, "RASA_SERVER_FIXES": "validator,sqlite-wal,kept-sessions"},
    ),
    Variant("eager-build", "+ models built eagerly at start-up", {**ONE_RASA, "RASA_SERVER_FIXES": ISSUE_9_FIXES}),
    Variant(
        "warm-up",
        "+ a warm-up before the server reports ready (issue 18)",
        {**ONE_RASA, "RASA_SERVER_FIXES": f"{ISSUE_9_FIXES},warm-up"},
    ),
    Variant(
        "lazy-ted",
        "+ TED only where no rule or story decides (issue 18; not kept)",
        {**ONE_RASA, "RASA_SERVER_FIXES": ALL_FIXES},
    ),
    Variant(
        "tf-threads-1",
        "the kept fixes + TensorFlow inter/intra-op threads 1 / 1 (not kept)",
        {
            **ONE_RASA,
            "RASA_SERVER_FIXES": KEPT_FIXES,
            "TF_INTER_OP_PARALLELISM_THREADS": "1",
            "TF_INTRA_OP_PARALLELISM_THREADS": "1",
        },
    ),
    Variant(
        "2-rasa",
        "2 Rasa servers, sticky by conversation (the default profile now)",
        {"RASA_SERVERS": "2", "RASA_SERVER_FIXES": KEPT_FIXES},
    ),
]


async def measure(system: System, path: str, clients: int, seconds: float, seed: int) -> dict[str, Any]:
    """One closed-loop run on `path`, with CPU ms per message for each process."""
    endpoints = Endpoints(system.rasa_url, system.env["RASA_TOKEN"], system.bridge_url)
    async with httpx.AsyncClient(timeout=30.0) as client:
        ids = await create_conversations(client, system.bridge_url, clients * 40)
        pool = ConversationPool(scenario_stream(load_scenarios(), seed=seed), ids, system.bridge_url)
        result = StepResult(path, "closed", None, 0.0, clients=clients)
        with CpuMeter(system) as meter:
            await closed_loop(client, job_factory(path, endpoints, pool, None), result, clients, seconds)
    summary = result.summary()
    answered = max(len(result.latencies_s), 1)
    per_kind = sum_by_kind(meter.seconds)  # rasa.1 + rasa.2 = rasa
    summary["cpu_ms_per_msg"] = {name: round(used / answered * 1000, 1) for name, used in per_kind.items()}
    return summary


def run_variant(variant: Variant, args: argparse.Namespace, model: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tuning-") as workdir:
        system = start_system(Path(workdir), model=model, extra_env={**BENCH_ENV, **variant.env})
        try:
            ready = wait_ready(system)
            first = asyncio.run(measure(system, "bridge", 1, 3, seed=3))  # the first messages after ready
            asyncio.run(measure(system, "direct", 2, 10, seed=1))  # warm-up: first calls build TF functions
            runs = {
                path: asyncio.run(measure(system, path, args.clients, args.seconds, seed=2))
                for path in ("direct", "bridge")
            }
        finally:
            system.stop()
    return {
        "variant": variant.name,
        "what": variant.what,
        "env": variant.env,
        "cold_start_s": ready,
        "first_messages": {k: first[k] for k in ("p50_ms", "max_ms") if k in first},
        **runs,
    }


def rasa_ready_s(ready: dict[str, float]) -> float | str:
    """When the last Rasa server was ready (`rasa.1`, `rasa.2`, …)."""
    times = [seconds for name, seconds in ready.items() if name.split(".")[0] == "rasa"]
    return max(times) if times else ""


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        f"# Tuning {meta['started']}",
        "",
        f"Commit `{meta['commit']}`, {meta['clients']} closed-loop clients for {meta['seconds']} s per path, "
        f"load average at start {meta['loadavg_at_start']}. CPU = process CPU time per answered message.",
        "",
        "| variant | path | msg/s | p50 ms | p95 ms | Rasa CPU ms/msg | actions CPU ms/msg | bridge CPU ms/msg "
        "| errors | Rasa ready s | first message after ready, max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["variants"]:
        for path in ("direct", "bridge"):
            run = row[path]
            cpu = run["cpu_ms_per_msg"]
            lines.append(
                f"| {row['what']} | {path} | {run['achieved_rate']} | {run['p50_ms']} | {run['p95_ms']} | "
                f"{cpu.get('rasa', '')} | {cpu.get('actions', '')} | {cpu.get('bridge', '')} | {run['errors']} | "
                f"{rasa_ready_s(row['cold_start_s']) if path == 'direct' else ''} | "
                f"{row.get('first_messages', {}).get('max_ms', '') if path == 'direct' else ''} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--variants", default=",".join(v.name for v in VARIANTS))
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    chosen = [v for v in VARIANTS if v.name in args.variants.split(",")]
    if not chosen:
        parser.error(f"no known variant in {args.variants!r}; known: {', '.join(v.name for v in VARIANTS)}")
    started = datetime.now()
    result: dict[str, Any] = {
        "meta": {
            "started": started.strftime("%Y-%m-%d %H:%M"),
            "commit": _git_commit(),
            "clients": args.clients,
            "seconds": args.seconds,
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "variants": [],
    }
    model = current_model()
    for variant in chosen:
        t0 = time.monotonic()
        print(f"==> {variant.name}: {variant.what}", flush=True)
        row = run_variant(variant, args, model)
        result["variants"].append(row)
        print(
            f"    direct {row['direct']['achieved_rate']} msg/s, bridge {row['bridge']['achieved_rate']} msg/s, "
            f"CPU {row['direct']['cpu_ms_per_msg']} ({time.monotonic() - t0:.0f} s)",
            flush=True,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{started.strftime('%Y-%m-%d-%H%M')}-tuning"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(f"==> wrote {stem}.md")
    return stem.with_suffix(".md")


if __name__ == "__main__":
    main()
