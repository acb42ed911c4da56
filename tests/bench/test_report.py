"""Percentiles, bridge overhead, the Markdown table and the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.report import render_markdown, sustained_rate, write_reports
from bench.run import overhead_rows, parse_args
from bench.stats import StepResult, bridge_overhead, percentile


def test_percentile_interpolates_like_numpy() -> None:
    values = [0.010, 0.020, 0.030, 0.040, 0.100]
    assert percentile(values, 50) == pytest.approx(0.030)
    assert percentile(values, 95) == pytest.approx(0.088)  # numpy.percentile(values, 95)
    assert percentile(list(reversed(values)), 0) == pytest.approx(0.010)
    assert percentile([], 50) is None


def test_step_summary_counts_rate_and_errors() -> None:
    step = StepResult("bridge", "open", 10.0, duration_s=2.0, latencies_s=[0.02] * 18, offered=20)
    step.add_error("http_503")
    step.add_error("ReadTimeout")
    summary = step.summary()
    assert summary["achieved_rate"] == 9.0
    assert summary["errors"] == 2 and summary["error_rate"] == 0.1
    assert summary["p50_ms"] == 20.0


def test_bridge_overhead_is_relative_to_rasa_direct() -> None:
    assert bridge_overhead({"p50_ms": 55.0}, {"p50_ms": 50.0}) == {"abs_ms": 5.0, "ratio": 0.1}
    assert bridge_overhead({"p50_ms": None}, {"p50_ms": 50.0}) == {"abs_ms": None, "ratio": None}


def _step(path: str, rate: float, p50: float, p95: float, achieved: float | None = None) -> dict[str, Any]:
    return {
        "path": path, "mode": "open", "target_rate": rate, "clients": None, "offered": int(rate * 10),
        "ok": int(rate * 10), "errors": 0, "error_kinds": {}, "error_rate": 0.0,
        "achieved_rate": rate if achieved is None else achieved, "duration_s": 10.0,
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p95 * 1.2, "mean_ms": p50, "max_ms": p95 * 2, "rss_peak_mb": {},
    }  # fmt: skip


def _result() -> dict[str, Any]:
    open_loop = [
        _step("parse", 2, 10, 15), _step("direct", 2, 50, 80), _step("bridge", 2, 54, 90),
        _step("parse", 20, 12, 30), _step("direct", 20, 80, 250), _step("bridge", 20, 90, 280),
        _step("parse", 40, 15, 60), _step("direct", 40, 900, 2500, achieved=25),
        _step("bridge", 40, 1000, 3000, achieved=22),
        {"path": "parse", "mode": "open", "target_rate": 60, "skipped": "time budget"},
    ]  # fmt: skip
    return {
        "meta": {
            "started": "2026-11-23 13:00",
            "cpus": 2,
            "scenarios": 9,
            "seed": 9,
            "step_s": 10.0,
            "budget_s": 600.0,
            "elapsed_s": 300.0,
            "model": "m.tar.gz",
            "commit": "abc",
        },
        "train": {"status": "ok", "seconds": 120.0},
        "cold_start_s": {"actions": 5.0, "bridge": 3.0, "rasa": 25.0, "system": 26.0},
        "rss_mb": {"idle": {"rasa": 900.0}, "warm": {"rasa": 950.0}, "peak_load": {"rasa": 1000.0}},
        "open_loop": open_loop,
        "closed_loop": [{**_step("bridge", 0, 500, 900, achieved=24.5), "mode": "closed", "clients": 20}],
        "bridge_overhead": overhead_rows(open_loop, 1000.0),
        "paired": {
            "messages_per_path": 50,
            "direct_p50_ms": 60.0,
            "bridge_p50_ms": 63.0,
            "direct_p95_ms": 90.0,
            "bridge_p95_ms": 95.0,
            "overhead_median_ms": 2.5,
            "overhead_ratio": 0.042,
        },
    }


def test_overhead_rows_mark_saturated_rates() -> None:
    rows = _result()["bridge_overhead"]
    assert [(r["target_rate"], r["abs_ms"], r["below_saturation"]) for r in rows] == [
        (2, 4, True), (20, 10, True), (40, 100, False),
    ]  # fmt: skip
    assert rows[0]["ratio"] == 0.08


def test_sustained_rate_needs_low_p95_and_the_offered_rate() -> None:
    result = _result()
    assert sustained_rate(result, "bridge") == 20
    assert sustained_rate(result, "bridge", p95_ms=100) == 2
    assert sustained_rate(result, "parse") == 40


def test_markdown_and_plot(tmp_path: Path) -> None:
    result = _result()
    markdown = render_markdown(result)
    assert "| 20 | 80 | 90 | 10 | 12.5 |" in markdown  # overhead row: ms and %
    assert "| 60 | parse | skipped: time budget |" in markdown
    assert "Sustained through the bridge with p95 ≤ 300 ms: 20 msg/s" in markdown
    assert "at most 12.5 % and 10 ms" in markdown and "not met" in markdown
    assert "median per-message overhead 2.5 ms (4.2 %)" in markdown
    md, png = write_reports(result, tmp_path / "run.json")
    assert md.read_text(encoding="utf-8") == markdown
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_arguments() -> None:
    args = parse_args(["--rates", "2,5", "--paths", "direct,bridge", "--no-train"])
    assert args.rates == [2.0, 5.0] and args.paths == ["direct", "bridge"] and args.train is False
    with pytest.raises(SystemExit):
        parse_args(["--paths", "telegram"])


def test_production_run_reports_its_profile_every_instance_and_the_cpu_at_saturation() -> None:
    result = _result()
    result["meta"].update(profile="productie", rasa_instances=2, bridge_workers=2, databases="PostgreSQL + Redis",
                          spread="round-robin per message")  # fmt: skip
    result["rss_mb"] = {
        "idle": {"rasa.1": 1000.0, "rasa.2": 1100.0, "actions.1": 100.0, "actions.2": 110.0, "bridge": 300.0},
        "warm": {"rasa.1": 1050.0, "rasa.2": 1150.0, "actions.1": 100.0, "actions.2": 110.0, "bridge": 310.0},
        "peak_load": {"rasa.2": 1200.0, "rasa.1": 1100.0, "bridge": 320.0, "actions.2": 120.0},
    }
    result["closed_loop"][0]["cpu_cores"] = {"rasa.1": 0.8, "rasa.2": 0.7, "bridge": 0.3, "postgres": 0.05,
                                             "load generator": 0.1, "machine": 1.97}  # fmt: skip
    markdown = render_markdown(result)
    assert "Profile **productie**: PostgreSQL + Redis, 2 Rasa server(s)" in markdown
    assert "bridge with 2 worker(s); parse and Rasa direct spread round-robin per message" in markdown
    memory = markdown.split("## Memory")[1].split("##")[0]
    assert [line.split(" | ")[0] for line in memory.splitlines() if line.startswith("| ") and "---" not in line] == [
        "| process", "| rasa.1", "| rasa.2", "| rasa (sum of 2)", "| actions.1", "| actions.2",
        "| actions (sum of 2)", "| bridge",
    ]  # fmt: skip
    assert "| rasa (sum of 2) | 2100 | 2200 | 2300 |" in markdown
    assert "| actions (sum of 2) | 210 | 210 | – |" in markdown  # actions.1 has no peak reading
    assert "| path | rasa | bridge | postgres | load generator | machine |" in markdown
    assert "| bridge | 1.5 | 0.3 | 0.05 | 0.1 | 1.97 |" in markdown


def test_default_run_report_has_no_profile_line_from_older_results() -> None:
    markdown = render_markdown(_result())  # results written before the production profile existed
    assert "Profile" not in markdown and "## CPU" not in markdown
    assert "| rasa | 900 | 950 | 1000 |" in markdown
