"""Turn a benchmark result (JSON) into the Markdown table and the latency plot.

Usage: python -m bench.report bench/results/<date>.json   (rewrites the .md and .png next to it)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.system import LOAD_GENERATOR, MACHINE, sum_by_kind

PATH_LABELS = {
    "parse": "Rasa /model/parse (NLU)",
    "direct": "Rasa direct (webhook + actions)",
    "bridge": "bridge API",
}
TARGET_OVERHEAD_RATIO = 0.10
TARGET_OVERHEAD_MS = 5.0
TARGET_RATE = 25.0
TARGET_P95_MS = 300.0
PROCESS_ORDER = ("rasa", "actions", "bridge", "postgres", "redis", LOAD_GENERATOR, MACHINE)


def fmt(value: Any, suffix: str = "") -> str:
    """A number for a table: "–" when missing, no trailing zeros."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}{suffix}"
    return f"{value}{suffix}"


def open_steps(result: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The measured open-loop steps of one path, by increasing rate."""
    steps = [s for s in result["open_loop"] if s["path"] == path and not s.get("skipped")]
    return sorted(steps, key=lambda s: s["target_rate"])


def sustained_rate(result: dict[str, Any], path: str, p95_ms: float = TARGET_P95_MS) -> float | None:
    """Highest offered rate the path carried with p95 ≤ p95_ms, ≤ 1 % errors, ≥ 90 % achieved."""
    best = None
    for step in open_steps(result, path):
        carried = step["achieved_rate"] >= 0.9 * step["target_rate"]
        if step["p95_ms"] is not None and step["p95_ms"] <= p95_ms and step["error_rate"] <= 0.01 and carried:
            best = step["target_rate"]
    return best


def render_markdown(result: dict[str, Any]) -> str:
    """A short report: set-up, start-up, memory, open loop, bridge overhead, saturation, targets."""
    meta = result["meta"]
    lines = [
        f"# Benchmark {meta['started']}",
        "",
        f"Commit `{meta.get('commit') or '?'}`, model `{meta.get('model')}`, {meta['cpus']} CPU(s), "
        f"{meta['scenarios']} scenarios, seed {meta['seed']}, {meta['step_s']:g} s per open-loop step, "
        f"budget {meta['budget_s']:g} s (took {meta.get('elapsed_s', 0):.0f} s). Load generator on the same machine.",
    ]
    if meta.get("profile"):
        lines.append(profile_line(meta))
    if meta.get("label"):
        lines.append(f"Label: **{meta['label']}**.")
    if meta.get("note"):
        lines.append(f"Note: {meta['note']}")

    lines += ["", "## Start-up and training", "", "| what | seconds |", "|---|---:|"]
    for name, seconds in result.get("cold_start_s", {}).items():
        label = "whole system healthy (/health)" if name == "system" else f"{name} ready"
        lines.append(f"| cold start: {label} | {fmt(seconds)} |")
    train = result.get("train") or {}
    train_text = fmt(train.get("seconds")) if train.get("status") == "ok" else train.get("status", "not measured")
    lines.append(f"| `rasa train` (cold cache) | {train_text} |")

    lines += [
        "",
        "## Memory (RSS, MiB)",
        "",
        "| process | idle | after warm-up | peak under load |",
        "|---|---:|---:|---:|",
    ]
    for name, idle, warm, peak in memory_rows(result.get("rss_mb", {})):
        lines.append(f"| {name} | {fmt(idle)} | {fmt(warm)} | {fmt(peak)} |")

    lines += [
        "",
        "## Open loop (Poisson arrivals)",
        "",
        "| rate (msg/s) | path | achieved | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for step in sorted(result["open_loop"], key=lambda s: (s["target_rate"], list(PATH_LABELS).index(s["path"]))):
        if step.get("skipped"):
            lines.append(f"| {step['target_rate']:g} | {step['path']} | skipped: {step['skipped']} | | | | |")
            continue
        lines.append(
            f"| {step['target_rate']:g} | {step['path']} | {step['achieved_rate']:g} | {fmt(step['p50_ms'])} "
            f"| {fmt(step['p95_ms'])} | {fmt(step['p99_ms'])} | {step['errors']}/{step['offered']} |"
        )

    lines += [
        "",
        "## Bridge overhead (bridge p50 − Rasa-direct p50)",
        "",
        "| rate (msg/s) | Rasa direct p50 ms | bridge p50 ms | overhead ms | overhead % |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in result.get("bridge_overhead", []):
        ratio = None if row["ratio"] is None else round(100 * row["ratio"], 1)
        lines.append(
            f"| {row['target_rate']:g} | {fmt(row['direct_p50_ms'])} | {fmt(row['bridge_p50_ms'])} "
            f"| {fmt(row['abs_ms'])} | {fmt(ratio)} |"
        )

    paired = result.get("paired")
    if paired:
        ratio = paired["overhead_ratio"]
        lines += [
            "",
            f"Paired, one client, {paired['messages_per_path']} messages per path alternating turn by turn "
            f"(robust to load that drifts between steps): Rasa direct p50 {paired['direct_p50_ms']:g} ms, "
            f"bridge p50 {paired['bridge_p50_ms']:g} ms, median per-message overhead "
            f"{paired['overhead_median_ms']:g} ms ({fmt(None if ratio is None else round(100 * ratio, 1), ' %')}).",
        ]

    lines += [
        "",
        "## Closed loop (clients without think time: maximum throughput)",
        "",
        "| path | clients | msg/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step in result.get("closed_loop", []):
        if step.get("skipped"):
            lines.append(f"| {step['path']} | {step.get('clients')} | skipped: {step['skipped']} | | | | |")
            continue
        lines.append(
            f"| {step['path']} | {step['clients']} | {step['achieved_rate']:g} | {fmt(step['p50_ms'])} "
            f"| {fmt(step['p95_ms'])} | {fmt(step['p99_ms'])} | {step['errors']}/{step['offered']} |"
        )

    lines += cpu_lines(result.get("closed_loop", []))

    lines += ["", "## Targets of issue 9", ""]
    lines += [f"- {line}" for line in target_lines(result)]
    return "\n".join(lines) + "\n"


def profile_line(meta: dict[str, Any]) -> str:
    """Which processes ran on which databases."""
    n = meta.get("rasa_instances", 1)
    if meta["profile"] == "referentie":
        return (
            "Profile **referentie**: Rasa's starter bot (`rasa init`), one plain `rasa run`, in-memory tracker "
            "store, no action server, no bridge (bench/reference.py)."
        )
    actions = "one action server" if meta["profile"] == "standaard" else "each with its own action server"
    text = (
        f"Profile **{meta['profile']}**: {meta.get('databases', '?')}, {n} Rasa server(s), {actions}, "
        f"bridge with {meta.get('bridge_workers', 1)} worker(s)"
    )
    if meta.get("spread"):
        text += (
            f"; parse and Rasa direct spread {meta['spread']} over the Rasa servers, the bridge sends each "
            "conversation to its own server"
        )
    return text + "."


def _process_key(name: str) -> tuple[int, str]:
    kind = name.split(".")[0]
    return (PROCESS_ORDER.index(kind) if kind in PROCESS_ORDER else len(PROCESS_ORDER), name)


def memory_rows(memory: dict[str, dict[str, float]]) -> list[tuple[Any, ...]]:
    """(process, idle, after warm-up, peak) per process; several instances of a kind (productie:
    rasa.1, rasa.2) get a row each and then a summed row (each instance's own peak, summed)."""
    phases = [memory.get(phase, {}) for phase in ("idle", "warm", "peak_load")]
    names = sorted({name for values in phases for name in values}, key=_process_key)
    rows: list[tuple[Any, ...]] = []
    for kind in dict.fromkeys(name.split(".")[0] for name in names):
        instances = [name for name in names if name.split(".")[0] == kind]
        rows += [(name, *(values.get(name) for values in phases)) for name in instances]
        if len(instances) > 1:
            sums = (
                round(sum(values[n] for n in instances), 1) if set(instances) <= set(values) else None
                for values in phases
            )
            rows.append((f"{kind} (sum of {len(instances)})", *sums))
    return rows


def cpu_lines(closed_loop: list[dict[str, Any]]) -> list[str]:
    """CPU cores per process during the saturation runs: what is busy when nothing more gets through."""
    steps = [s for s in closed_loop if s.get("cpu_cores")]
    if not steps:
        return []
    per_step = [sum_by_kind(s["cpu_cores"]) for s in steps]
    names = sorted({name for cores in per_step for name in cores}, key=_process_key)
    lines = [
        "",
        "## CPU during the closed loop (cores; instances summed)",
        "",
        "PostgreSQL and Redis count every process of those servers on the machine; `machine` is all busy CPU.",
        "",
        "| path | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for step, cores in zip(steps, per_step, strict=False):
        lines.append(f"| {step['path']} | " + " | ".join(fmt(cores.get(name)) for name in names) + " |")
    return lines


def target_lines(result: dict[str, Any]) -> list[str]:
    """Each target with what this run reached."""
    out = []
    bridge_rate = sustained_rate(result, "bridge")
    direct_rate = sustained_rate(result, "direct")
    out.append(
        f"Sustained through the bridge with p95 ≤ {TARGET_P95_MS:g} ms: "
        f"{fmt(bridge_rate, ' msg/s')} (target ≥ {TARGET_RATE:g}; Rasa direct: {fmt(direct_rate, ' msg/s')})."
    )
    rows = [r for r in result.get("bridge_overhead", []) if r["ratio"] is not None and r.get("below_saturation")]
    if rows:
        worst_ratio = max(r["ratio"] for r in rows)
        worst_ms = max(r["abs_ms"] for r in rows)
        ok = worst_ratio <= TARGET_OVERHEAD_RATIO and worst_ms <= TARGET_OVERHEAD_MS
        out.append(
            f"Bridge overhead below saturation: at most {100 * worst_ratio:.1f} % and {worst_ms:g} ms "
            f"(target ≤ {100 * TARGET_OVERHEAD_RATIO:g} % and ≤ {TARGET_OVERHEAD_MS:g} ms): {'met' if ok else 'not met'}."
        )
    system = result.get("cold_start_s", {}).get("system")
    out.append(f"Cold start of the whole system: {fmt(system, ' s')} (target ≤ 30 s).")
    train = result.get("train") or {}
    out.append(
        f"`rasa train`: {fmt(train.get('seconds'), ' s')} (target ≤ 300 s; {train.get('status', 'not measured')})."
    )
    return out


def render_plot(result: dict[str, Any], png: Path) -> None:
    """p50 (solid) and p95 (dashed) latency against offered rate, one colour per path."""
    import matplotlib

    matplotlib.use("Agg")  # no display on the server
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.8), dpi=120)
    colours = {"parse": "tab:green", "direct": "tab:blue", "bridge": "tab:red"}
    for path, label in PATH_LABELS.items():
        steps = [s for s in open_steps(result, path) if s["p50_ms"] is not None]
        if not steps:
            continue
        rates = [s["target_rate"] for s in steps]
        ax.plot(rates, [s["p50_ms"] for s in steps], "o-", color=colours[path], label=f"{label} p50")
        ax.plot(rates, [s["p95_ms"] for s in steps], "s--", color=colours[path], label=f"{label} p95")
    ax.axhline(TARGET_P95_MS, color="grey", linestyle=":", linewidth=1)
    ax.text(
        0.99,
        TARGET_P95_MS,
        f"target p95 {TARGET_P95_MS:g} ms",
        color="grey",
        ha="right",
        va="bottom",
        transform=ax.get_yaxis_transform(),
        fontsize=8,
    )
    ax.set_yscale("log")
    ax.set_xlabel("offered load (messages/s, Poisson arrivals)")
    ax.set_ylabel("latency (ms, log scale)")
    meta = result["meta"]
    ax.set_title(f"Elke Deur latency vs arrival rate ({meta['started']}, {meta['cpus']} CPU)")
    ax.grid(True, which="both", alpha=0.3)
    # below the axes: inside, it would hide the steep lines of a saturated path
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(png)
    plt.close(fig)


def write_reports(result: dict[str, Any], json_path: Path) -> tuple[Path, Path]:
    """Write the .md and .png next to the JSON; return their paths."""
    md, png = json_path.with_suffix(".md"), json_path.with_suffix(".png")
    md.write_text(render_markdown(result), encoding="utf-8")
    render_plot(result, png)
    return md, png


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    path = Path(argv[0])
    md, png = write_reports(json.loads(path.read_text(encoding="utf-8")), path)
    print(f"wrote {md} and {png}")


if __name__ == "__main__":
    main(sys.argv[1:])
