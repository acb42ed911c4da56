"""`make bench` and `make bench-prod`: the same load on several variants in one run, one table (issues 10, 18).

Variants (--variants): `referentie` (Rasa's starter bot, `rasa init`, Rasa direct only: bench/reference.py),
`voor` (the default profile as it was before issue 18: one Rasa server, issue 9's Rasa fixes only), `standaard` (the default profile as `make run` starts it now), `standaard-N` (the same with N Rasa
servers), `productie-1` and `productie-2` (PostgreSQL + Redis, 1 or 2 Rasa/action server pairs, bridge with
--bridge-workers workers). Each runs bench.run with the same scenarios, rates and seed, and a budget of its
own, one after the other. `make bench` compares referentie, voor and standaard (Elke Deur ÷ reference, and
before ÷ after, from the same run); `make bench-prod` the profiles.
Then one table compares per variant: achieved msg/s, p50/p95 of Rasa direct and the bridge at every
rate, closed-loop saturation, memory, CPU per process at saturation, and the overhead of PostgreSQL +
Redis over SQLite: productie-1 against standaard, bridge p50 at the same rate.
Only the dialogue paths (direct, bridge) are loaded: NLU alone (`parse`) is the same in every profile.

Usage: python -m bench.compare [--budget-s 420] [--rates 2,5,10,15,20,25,30,40] [--variants referentie,voor,standaard]
       python -m bench.compare --from-runs bench/results/<stem>/*.json    (table again from finished runs)
Writes bench/results/<date>-<name>.{md,json} (name: `bench`, or `profielen` with productie variants);
each variant's own run (JSON, table, plot) goes to bench/results/<date>-<name>/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import run
from bench.reference import REFERENCE
from bench.report import TARGET_P95_MS, fmt, sustained_rate
from bench.system import LOAD_GENERATOR, MACHINE, sum_by_kind

DEFAULT_VARIANTS = f"{REFERENCE},voor,standaard"
PROFILE_VARIANTS = "standaard,productie-1,productie-2"  # `make bench-prod`
BASELINE, PRODUCTION_1, BEFORE = "standaard", "productie-1", "voor"
# From well below the default profile's sustained rate before issue 18 (10 msg/s on a quiet machine; a busy one
# carries less, so 2 comes first) to past its target (25).
DEFAULT_RATES = "2,5,10,15,20,25,30,40"
CPU_COLUMNS = ("rasa", "actions", "bridge", "postgres", "redis", LOAD_GENERATOR, MACHINE)
_VARIANT = re.compile(rf"^({REFERENCE}|{BEFORE}|standaard(-([1-9][0-9]*))?|productie-([1-9][0-9]*))$")
# The default profile before issue 18: one Rasa server and bot/rasa_server.py's fixes of issue 9 only
# (no warm-up, TED for every prediction).
BEFORE_ENV = ("RASA_SERVER_FIXES=validator,sqlite-wal,kept-sessions,eager-build",)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help="standaard and/or productie-N, in this order")
    parser.add_argument(
        "--budget-s", type=float, default=420.0, help="time limit of each variant's run, its cold start included"
    )
    parser.add_argument("--note", default="", help="free text stored with every variant's result")
    parser.add_argument("--rates", default=DEFAULT_RATES, help="open-loop arrival rates, msg/s (every variant)")
    parser.add_argument("--step-s", type=float, default=12.0, help="length of one open-loop step (max)")
    parser.add_argument("--closed-clients", type=int, default=20, help="clients of the saturation runs")
    parser.add_argument("--closed-s", type=float, default=20.0, help="length of each saturation run")
    parser.add_argument("--paired-rounds", type=int, default=1, help="paired one-client rounds (0: none)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--bridge-workers",
        type=int,
        default=run.DEFAULT_BRIDGE_WORKERS,
        help="uvicorn workers of the bridge in the productie variants",
    )
    parser.add_argument(
        "--pause-s",
        type=float,
        default=15.0,
        help="quiet pause between variants (the previous one's processes and databases go away)",
    )
    parser.add_argument("--out", type=Path, default=run.RESULTS_DIR)
    parser.add_argument(
        "--from-runs",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="build the table from finished bench.run results instead of running",
    )
    args = parser.parse_args(argv)
    args.variants = [v for v in args.variants.split(",") if v]
    bad = [v for v in args.variants if not _VARIANT.match(v)]
    if bad or not args.variants:
        parser.error(f"unknown variant(s) {bad}; use {REFERENCE}, {BEFORE}, standaard[-N] and/or productie-N")
    return args


def run_arguments(variant: str, args: argparse.Namespace, out: Path) -> list[str]:
    """bench.run's command line for one variant: everything equal but the profile."""
    match = _VARIANT.match(variant)
    assert match is not None
    profile = ["--profile", "standaard"]
    if variant == REFERENCE:
        profile = ["--profile", REFERENCE]
    elif variant == BEFORE:
        profile = ["--profile", "standaard", "--rasa-servers", "1", *(f"--env={e}" for e in BEFORE_ENV)]
    elif match.group(3):
        profile = ["--profile", "standaard", "--rasa-servers", match.group(3)]
    elif match.group(4):
        profile = ["--profile", "productie", "--rasa-instances", match.group(4),
                   "--bridge-workers", str(args.bridge_workers)]  # fmt: skip
    return [
        *profile, "--label", variant, "--no-train", "--paths", "direct,bridge", "--closed-paths", "direct,bridge",
        "--rates", args.rates, "--step-s", str(args.step_s), "--budget-s", str(args.budget_s),
        "--closed-clients", str(args.closed_clients), "--closed-s", str(args.closed_s),
        "--paired-rounds", str(args.paired_rounds), "--seed", str(args.seed), "--out", str(out), "--note", args.note,
    ]  # fmt: skip


def variant_name(meta: dict[str, Any]) -> str:
    """The variant's name (its label), else `standaard` or `productie-N` from a run's meta."""
    if meta.get("label"):
        return str(meta["label"])
    if meta.get("profile", "standaard") == "standaard":
        return BASELINE
    return f"productie-{meta.get('rasa_instances', 1)}"


def _carried(step: dict[str, Any], stop_p95_ms: float) -> bool:
    """The step got through what was offered: ≥ 90 % achieved, ≤ 1 % errors, p95 under the stop limit."""
    return (
        step["achieved_rate"] >= 0.9 * step["target_rate"]
        and step["error_rate"] <= 0.01
        and step["p95_ms"] is not None
        and step["p95_ms"] <= stop_p95_ms
    )


def _open_step(result: dict[str, Any], path: str, rate: float) -> dict[str, Any] | None:
    for step in result.get("open_loop", []):
        if step["path"] == path and step["target_rate"] == rate:
            return step
    return None


def _closed_step(result: dict[str, Any], path: str) -> dict[str, Any] | None:
    for step in result.get("closed_loop", []):
        if step["path"] == path and not step.get("skipped"):
            return step
    return None


def _latency(step: dict[str, Any] | None) -> dict[str, Any]:
    if step is None:
        return {"skipped": "not run"}
    if step.get("skipped"):
        return {"skipped": step["skipped"]}
    keys = ("achieved_rate", "p50_ms", "p95_ms", "errors", "offered", "error_rate")
    return {key: step[key] for key in keys}


def summarise(result: dict[str, Any], source: str, stop_p95_ms: float = 1000.0) -> dict[str, Any]:
    """One variant's row material from its bench.run result."""
    meta = result["meta"]
    rates = meta["rates"]
    peak = result.get("rss_mb", {}).get("peak_load", {})
    rss = sum_by_kind(peak)
    closed_bridge = _closed_step(result, "bridge")
    open_rows = []
    for rate in rates:
        row: dict[str, Any] = {"rate": rate}
        for path in ("direct", "bridge"):
            step = _open_step(result, path, rate)
            row[path] = _latency(step)
            if step is not None and not step.get("skipped"):
                row[path]["carried"] = _carried(step, stop_p95_ms)
        open_rows.append(row)
    return {
        "variant": variant_name(meta),
        "source": source,
        "profile": meta.get("profile", "standaard"),
        "rasa_instances": meta.get("rasa_instances", 1),
        "bridge_workers": meta.get("bridge_workers", 1),
        "started": meta["started"],
        "loadavg_at_start": meta.get("loadavg_at_start"),
        "cold_start_s": result.get("cold_start_s", {}).get("system"),
        "open_loop": open_rows,
        "paired": result.get("paired"),
        "closed_loop": {path: _latency(_closed_step(result, path)) for path in ("direct", "bridge")},
        "sustained_bridge_rate": sustained_rate(result, "bridge", TARGET_P95_MS),
        "sustained_direct_rate": sustained_rate(result, "direct", TARGET_P95_MS),
        "rss_peak_mb": {**rss, "total": round(sum(rss.values()), 1)},
        "cpu_cores_saturation": sum_by_kind(closed_bridge.get("cpu_cores", {})) if closed_bridge else {},
        "rasa_cpu_ms_per_message": rasa_cpu_ms_per_message(result),
    }


def rasa_cpu_ms_per_message(result: dict[str, Any]) -> dict[str, float | None]:
    """Rasa's CPU time per answered message in each saturation run (all Rasa servers summed)."""
    out: dict[str, float | None] = {}
    for path in ("direct", "bridge"):
        step = _closed_step(result, path)
        rate = step.get("achieved_rate") if step else None
        cores = sum_by_kind(step.get("cpu_cores", {})).get("rasa") if step else None
        out[path] = round(1000 * cores / rate, 1) if rate and cores is not None else None
    return out


def _difference(value: float | None, baseline: float | None) -> dict[str, float | None]:
    if value is None or baseline is None or baseline <= 0:
        return {"abs_ms": None, "ratio": None}
    return {"abs_ms": round(value - baseline, 1), "ratio": round((value - baseline) / baseline, 3)}


def overhead_rows(baseline: dict[str, Any], production: dict[str, Any]) -> list[dict[str, Any]]:
    """PostgreSQL + Redis over SQLite: productie-1 p50 minus standaard p50 at the same load, bridge and
    Rasa direct. First the paired one-client run (no queueing), then every rate both variants measured."""
    rows = []
    if baseline.get("paired") and production.get("paired"):
        b, p = baseline["paired"], production["paired"]
        rows.append({
            "load": "1 client (paired)", "rate": None, "saturated": False,
            "bridge": {"baseline_p50_ms": b["bridge_p50_ms"], "p50_ms": p["bridge_p50_ms"],
                       **_difference(p["bridge_p50_ms"], b["bridge_p50_ms"])},
            "direct": {"baseline_p50_ms": b["direct_p50_ms"], "p50_ms": p["direct_p50_ms"],
                       **_difference(p["direct_p50_ms"], b["direct_p50_ms"])},
        })  # fmt: skip
    production_by_rate = {row["rate"]: row for row in production["open_loop"]}
    for base_row in baseline["open_loop"]:
        prod_row = production_by_rate.get(base_row["rate"])
        if prod_row is None or "p50_ms" not in base_row["bridge"] or "p50_ms" not in prod_row["bridge"]:
            continue
        row: dict[str, Any] = {"load": f"{base_row['rate']:g} msg/s", "rate": base_row["rate"]}
        steps = []
        for path in ("bridge", "direct"):
            base, prod = base_row[path], prod_row[path]
            if "p50_ms" not in base or "p50_ms" not in prod:
                row[path] = None
                continue
            steps += [base, prod]
            row[path] = {"baseline_p50_ms": base["p50_ms"], "p50_ms": prod["p50_ms"],
                         **_difference(prod["p50_ms"], base["p50_ms"])}  # fmt: skip
        # past saturation a p50 measures the queue, not the databases
        row["saturated"] = not all(step.get("carried") for step in steps)
        rows.append(row)
    return rows


def build_comparison(runs: list[tuple[dict[str, Any], str]], command: str = "") -> dict[str, Any]:
    """The comparison of finished runs ((result, source path) in variant order): rows and overhead."""
    variants = [summarise(result, source) for result, source in runs]
    by_name = {v["variant"]: v for v in variants}
    metas = [result["meta"] for result, _ in runs]
    # the meta of the first Elke Deur run (the reference serves the starter bot's model)
    first = next((m for m in metas if m.get("profile") != REFERENCE), metas[0] if metas else {})
    comparison: dict[str, Any] = {
        "meta": {
            "started": metas[0].get("started") if metas else None,
            "commit": first.get("commit"),
            "model": first.get("model"),
            "cpus": first.get("cpus"),
            "platform": first.get("platform"),
            "rates": first.get("rates"),
            "budget_s": first.get("budget_s"),
            "seed": first.get("seed"),
            "step_s": {v["variant"]: r["meta"].get("step_s") for v, (r, _) in zip(variants, runs, strict=False)},
            "command": command,
            "note": first.get("note", ""),
        },
        "variants": variants,
        "overhead": [],
    }
    if BASELINE in by_name and PRODUCTION_1 in by_name:
        comparison["overhead"] = overhead_rows(by_name[BASELINE], by_name[PRODUCTION_1])
    comparison["reference"] = reference_rows(comparison)
    return comparison


def _pct(ratio: float | None) -> str:
    return fmt(None if ratio is None else round(100 * ratio, 1), " %")


def _cell(step: dict[str, Any], key: str) -> str:
    return "–" if "skipped" in step else fmt(step.get(key))


def render_comparison(comparison: dict[str, Any]) -> str:
    """The Markdown report of a comparison."""
    meta, variants = comparison["meta"], comparison["variants"]
    lines = [
        f"# Variants compared {meta.get('started')}",
        "",
        f"Commit `{meta.get('commit') or '?'}`, model `{meta.get('model')}`, {meta.get('cpus')} CPU(s), seed "
        f"{meta.get('seed')}, budget {fmt(meta.get('budget_s'))} s per variant, the same rates and scenarios for "
        "every variant, one after the other. Load generator on the same machine. With several Rasa servers, "
        "Rasa direct spreads its messages round-robin over them; the bridge sends each conversation to its own "
        "server.",
    ]
    if meta.get("command"):
        lines += ["", f"Command: `{meta['command']}`"]
    if meta.get("note"):
        lines += ["", f"Note: {meta['note']}"]
    lines += [
        "",
        "| variant | profile | Rasa servers | bridge workers | load average at start | cold start s | run |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    for v in variants:
        load = " / ".join(f"{x:g}" for x in v["loadavg_at_start"] or [])
        lines.append(
            f"| {v['variant']} | {v['profile']} | {v['rasa_instances']} | {v['bridge_workers']} | {load} "
            f"| {fmt(v['cold_start_s'])} | `{v['source']}` |"
        )

    lines += ["", "## Open loop (Poisson arrivals): achieved msg/s and latency in ms", "",
              "| rate | variant | direct msg/s | direct p50 | direct p95 | bridge msg/s | bridge p50 | bridge p95 "
              "| errors direct / bridge |",
              "|---:|---|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for i, rate in enumerate(meta.get("rates") or []):
        for v in variants:
            d, b = v["open_loop"][i]["direct"], v["open_loop"][i]["bridge"]
            if "skipped" in d and "skipped" in b:
                reason = d["skipped"] if d["skipped"] == b["skipped"] else f"{d['skipped']} / {b['skipped']}"
                lines.append(f"| {rate:g} | {v['variant']} | skipped: {reason} | | | | | | |")
                continue
            errors = " / ".join("–" if "skipped" in s else f"{s['errors']}/{s['offered']}" for s in (d, b))
            lines.append(
                f"| {rate:g} | {v['variant']} | {_cell(d, 'achieved_rate')} | {_cell(d, 'p50_ms')} "
                f"| {_cell(d, 'p95_ms')} | {_cell(b, 'achieved_rate')} | {_cell(b, 'p50_ms')} | {_cell(b, 'p95_ms')} "
                f"| {errors} |"
            )

    lines += ["", "## Saturation (closed loop: clients without think time) and sustained rate", "",
              f"Sustained = highest open-loop rate carried with p95 ≤ {TARGET_P95_MS:g} ms, ≤ 1 % errors, "
              "≥ 90 % of the offered rate achieved.", "",
              "| variant | direct msg/s | direct p95 ms | bridge msg/s | bridge p95 ms | sustained direct | "
              "sustained bridge | Rasa CPU ms/msg direct / bridge |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for v in variants:
        d, b = v["closed_loop"]["direct"], v["closed_loop"]["bridge"]
        cpu = v.get("rasa_cpu_ms_per_message", {})
        lines.append(
            f"| {v['variant']} | {_cell(d, 'achieved_rate')} | {_cell(d, 'p95_ms')} | {_cell(b, 'achieved_rate')} "
            f"| {_cell(b, 'p95_ms')} | {fmt(v['sustained_direct_rate'], ' msg/s')} "
            f"| {fmt(v['sustained_bridge_rate'], ' msg/s')} | {fmt(cpu.get('direct'))} / {fmt(cpu.get('bridge'))} |"
        )

    lines += [
        "",
        "## Memory (peak RSS under load, MiB; instances and workers summed)",
        "",
        "| variant | rasa | actions | bridge | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for v in variants:
        rss = v["rss_peak_mb"]
        lines.append(
            f"| {v['variant']} | {fmt(rss.get('rasa'))} | {fmt(rss.get('actions'))} "
            f"| {fmt(rss.get('bridge'))} | {fmt(rss.get('total'))} |"
        )

    lines += [
        "",
        "## CPU at saturation (bridge closed loop, cores; instances summed)",
        "",
        f"Of {meta.get('cpus')} cores. PostgreSQL and Redis count all their server processes on the machine; "
        "`machine` is all busy CPU, whoever used it.",
        "",
        "| variant | " + " | ".join(CPU_COLUMNS) + " |",
        "|---|" + "---:|" * len(CPU_COLUMNS),
    ]
    for v in variants:
        cores = v["cpu_cores_saturation"]
        lines.append(f"| {v['variant']} | " + " | ".join(fmt(cores.get(name)) for name in CPU_COLUMNS) + " |")

    lines += reference_lines(comparison)
    if PRODUCTION_1 in {v["variant"] for v in variants}:
        lines += ["", "## Overhead of PostgreSQL + Redis over SQLite", ""]
    if comparison["overhead"]:
        lines += [
            f"{PRODUCTION_1} p50 minus {BASELINE} p50 at the same load (productie also runs the bridge with "
            "its workers). Rows marked saturated: one of the variants did not carry that rate, so the p50 "
            "there measures a queue.",
            "",
            f"| load | bridge {BASELINE} | bridge {PRODUCTION_1} | overhead ms | overhead % "
            f"| direct {BASELINE} | direct {PRODUCTION_1} | overhead ms | overhead % |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in comparison["overhead"]:
            cells = []
            for path in ("bridge", "direct"):
                part = row[path]
                cells += (["–"] * 4 if part is None else [
                    fmt(part["baseline_p50_ms"]), fmt(part["p50_ms"]), fmt(part["abs_ms"]), _pct(part["ratio"]),
                ])  # fmt: skip
            load = row["load"] + (" (saturated)" if row["saturated"] else "")
            lines.append(f"| {load} | " + " | ".join(cells) + " |")
    elif PRODUCTION_1 in {v["variant"] for v in variants}:
        lines.append(f"Needs both {BASELINE} and {PRODUCTION_1}.")

    lines += ["", "## How far one machine carries", ""]
    lines += [f"- {line}" for line in carry_lines(comparison)]
    return "\n".join(lines) + "\n"


def carry_lines(comparison: dict[str, Any]) -> list[str]:
    """Plain statements from the numbers: sustained and saturation rate, and what is busy at saturation."""
    out = []
    for v in comparison["variants"]:
        closed = v["closed_loop"]["bridge"]
        cores = {k: c for k, c in v["cpu_cores_saturation"].items() if k != MACHINE}
        busiest = sorted(cores.items(), key=lambda kv: -kv[1])[:3]
        busy = ", ".join(f"{name} {c:g}" for name, c in busiest) or "not measured"
        out.append(
            f"{v['variant']}: through the bridge {fmt(v['sustained_bridge_rate'], ' msg/s')} with p95 ≤ "
            f"{TARGET_P95_MS:g} ms; saturation {_cell(closed, 'achieved_rate')} msg/s; at saturation the busiest "
            f"processes use {busy} cores (machine {fmt(v['cpu_cores_saturation'].get(MACHINE))} of "
            f"{comparison['meta'].get('cpus')})."
        )
    by_name = {v["variant"]: v for v in comparison["variants"]}
    one, two = by_name.get(PRODUCTION_1), by_name.get("productie-2")
    if one and two:
        a, b = one["closed_loop"]["bridge"].get("achieved_rate"), two["closed_loop"]["bridge"].get("achieved_rate")
        if a and b:
            out.append(f"2 Rasa servers instead of 1: bridge saturation × {b / a:.2f} ({a:g} → {b:g} msg/s).")
    return out


def result_name(variants: list[str]) -> str:
    return "profielen" if any(v.startswith("productie") for v in variants) else "bench"


def _ratio(value: float | None, reference: float | None) -> str:
    return "–" if not value or not reference else f"{value / reference:.2f}"


def reference_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Each Elke Deur variant through the bridge ÷ the starter bot (Rasa direct), from the same run."""
    by_name = {v["variant"]: v for v in comparison["variants"]}
    reference = by_name.get(REFERENCE)
    if reference is None:
        return []
    ref_sustained = reference["sustained_direct_rate"]
    ref_saturation = reference["closed_loop"]["direct"].get("achieved_rate")
    rows = []
    for v in comparison["variants"]:
        if v["variant"] == REFERENCE:
            continue
        saturation = v["closed_loop"]["bridge"].get("achieved_rate")
        rows.append({
            "variant": v["variant"],
            "sustained_bridge": v["sustained_bridge_rate"], "reference_sustained": ref_sustained,
            "sustained_ratio": round(v["sustained_bridge_rate"] / ref_sustained, 2)
            if v["sustained_bridge_rate"] and ref_sustained else None,
            "saturation_bridge": saturation, "reference_saturation": ref_saturation,
            "saturation_ratio": round(saturation / ref_saturation, 2) if saturation and ref_saturation else None,
        })  # fmt: skip
    return rows


def reference_lines(comparison: dict[str, Any]) -> list[str]:
    rows = comparison.get("reference", [])
    if not rows:
        return []
    lines = [
        "",
        "## Elke Deur ÷ reference (Rasa's starter bot, same run, same rates)",
        "",
        f"Elke Deur through the bridge (`POST /api/conversations/{{id}}/messages`) against the starter bot "
        f"through Rasa's REST channel (it has no bridge). Sustained: highest open-loop rate with p95 ≤ "
        f"{TARGET_P95_MS:g} ms, no more than 1 % errors; saturation: the closed loop.",
        "",
        "| variant | sustained, bridge | reference sustained | ÷ | saturation, bridge | reference saturation | ÷ |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['variant']} | {fmt(row['sustained_bridge'], ' msg/s')} | "
            f"{fmt(row['reference_sustained'], ' msg/s')} | {fmt(row['sustained_ratio'])} | "
            f"{fmt(row['saturation_bridge'], ' msg/s')} | {fmt(row['reference_saturation'], ' msg/s')} | "
            f"{fmt(row['saturation_ratio'])} |"
        )
    by_name = {v["variant"]: v for v in comparison["variants"]}
    before, after = by_name.get(BEFORE), by_name.get(BASELINE)
    if before and after:
        lines += [
            "",
            f"Before ÷ after ({BEFORE} → {BASELINE}): sustained through the bridge "
            f"{fmt(before['sustained_bridge_rate'], ' msg/s')} → {fmt(after['sustained_bridge_rate'], ' msg/s')}, "
            f"saturation {fmt(before['closed_loop']['bridge'].get('achieved_rate'), ' msg/s')} → "
            f"{fmt(after['closed_loop']['bridge'].get('achieved_rate'), ' msg/s')} "
            f"(× {_ratio(after['closed_loop']['bridge'].get('achieved_rate'), before['closed_loop']['bridge'].get('achieved_rate'))}).",
        ]
    return lines


def write_comparison(comparison: dict[str, Any], out: Path, stem: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"{stem}.json", out / f"{stem}.md"
    json_path.write_text(json.dumps(comparison, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render_comparison(comparison), encoding="utf-8")
    return json_path, md_path


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(run.PROJECT_ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> Path:
    args = parse_args(argv)
    command = "python -m bench.compare " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.from_runs:
        runs = [(json.loads(p.read_text(encoding="utf-8")), _relative(p)) for p in args.from_runs]
        stem = (
            runs[0][0]["meta"]["started"].replace(" ", "-").replace(":", "")
            + "-"
            + result_name([variant_name(r["meta"]) for r, _ in runs])
        )
    else:
        stem = datetime.now().strftime("%Y-%m-%d-%H%M") + "-" + result_name(args.variants)
        runs_dir = args.out / stem
        total_min = len(args.variants) * (args.budget_s + args.pause_s) / 60
        print(f"==> {len(args.variants)} variants × {args.budget_s:.0f} s: about {total_min:.0f} min", flush=True)
        runs = []
        for i, variant in enumerate(args.variants):
            if i:
                time.sleep(args.pause_s)
            print(f"==> variant {variant}", flush=True)
            try:
                json_path = run.main(run_arguments(variant, args, runs_dir))
            except BaseException:
                if runs:
                    done = " ".join(source for _, source in runs)
                    print(
                        f"==> {variant} failed; table of the finished ones: python -m bench.compare --from-runs {done}"
                    )
                raise
            runs.append((json.loads(json_path.read_text(encoding="utf-8")), _relative(json_path)))
    comparison = build_comparison(runs, command.strip())
    json_path, md_path = write_comparison(comparison, args.out, stem)
    print(f"==> wrote {md_path} and {json_path.name}")
    return md_path


if __name__ == "__main__":
    main()
