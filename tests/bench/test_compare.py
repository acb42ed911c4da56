"""`make bench-prod`: the variants' command lines and the comparison table (no processes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.compare import build_comparison, main, parse_args, render_comparison, run_arguments
from bench.run import parse_args as run_parse_args


def _step(path: str, rate: float, p50: float, p95: float, achieved: float | None = None) -> dict[str, Any]:
    return {
        "path": path, "mode": "open", "target_rate": rate, "clients": None, "offered": int(rate * 10),
        "ok": int(rate * 10), "errors": 0, "error_kinds": {}, "error_rate": 0.0,
        "achieved_rate": rate if achieved is None else achieved, "duration_s": 10.0,
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p95, "mean_ms": p50, "max_ms": p95, "rss_peak_mb": {},
    }  # fmt: skip


def _run(profile: str, instances: int, p50: dict[float, float], saturation: float, **extra: Any) -> dict[str, Any]:
    """A bench.run result: direct p50 and bridge p50 + 10 ms at each rate; 8 msg/s is past saturation
    unless `saturation` is higher."""
    open_loop = []
    for rate, ms in p50.items():
        achieved = rate if rate < saturation else saturation
        open_loop += [
            _step("direct", rate, ms, 2 * ms, achieved),
            _step("bridge", rate, ms + 10, 2 * ms + 10, achieved),
        ]
    names = ["rasa", "actions"] if profile == "standaard" else [f"{k}.{i}" for k in ("rasa", "actions")
                                                                 for i in range(1, instances + 1)]  # fmt: skip
    peak = {name: (1000.0 if name.startswith("rasa") else 100.0) for name in names} | {"bridge": 150.0 * instances}
    cores = {name: round(1.8 / instances, 2) for name in names if name.startswith("rasa")} | {"machine": 1.98}
    closed = {**_step("bridge", 0, 900, 2000, saturation), "mode": "closed", "target_rate": None, "clients": 20,
              "cpu_cores": cores}  # fmt: skip
    return {
        "meta": {"started": "2026-11-24 10:00", "commit": "abc", "model": "m.tar.gz", "cpus": 2, "seed": 9,
                 "rates": list(p50), "budget_s": 480.0, "step_s": 15.0, "loadavg_at_start": [0.1, 0.2, 0.3],
                 "profile": profile, "rasa_instances": instances, "bridge_workers": 1 if profile == "standaard" else 2},
        "cold_start_s": {"system": 60.0 * instances},
        "rss_mb": {"peak_load": peak},
        "open_loop": open_loop,
        "closed_loop": [{**closed, "path": "direct"}, closed],
        **extra,
    }  # fmt: skip


def _runs() -> list[tuple[dict[str, Any], str]]:
    paired = {"messages_per_path": 50, "direct_p50_ms": 80.0, "bridge_p50_ms": 90.0}
    return [
        (_run("standaard", 1, {2: 100.0, 4: 120.0, 8: 900.0}, 6.0, paired=paired), "runs/standaard.json"),
        (_run("productie", 1, {2: 110.0, 4: 150.0, 8: 1200.0}, 5.5,
              paired={**paired, "direct_p50_ms": 88.0, "bridge_p50_ms": 99.0}), "runs/productie-1.json"),
        (_run("productie", 2, {2: 100.0, 4: 110.0, 8: 200.0}, 9.0), "runs/productie-2.json"),
    ]  # fmt: skip


def test_every_variant_runs_the_same_load_and_differs_only_in_its_profile() -> None:
    assert parse_args([]).variants == ["referentie", "voor", "standaard"]  # `make bench`
    args = parse_args(["--rates", "2,4", "--budget-s", "300", "--variants", "standaard,productie-1,productie-2"])
    assert args.variants == ["standaard", "productie-1", "productie-2"]
    lines = {v: run_arguments(v, args, Path("/tmp/out")) for v in [*args.variants, "referentie", "voor", "standaard-3"]}
    assert lines["standaard"][:4] == ["--profile", "standaard", "--label", "standaard"]
    assert lines["productie-2"][:6] == ["--profile", "productie", "--rasa-instances", "2", "--bridge-workers", "2"]

    def after_label(line: list[str]) -> list[str]:
        return line[line.index("--label") + 2 :]

    assert len({tuple(after_label(line)) for line in lines.values()}) == 1  # the same load for every variant
    parsed = run_parse_args(lines["productie-2"])  # bench.run accepts them
    assert (parsed.rates, parsed.budget_s, parsed.train, parsed.paths) == (
        [2.0, 4.0],
        300.0,
        False,
        ["direct", "bridge"],
    )
    assert (parsed.profile, parsed.rasa_instances, parsed.out) == ("productie", 2, Path("/tmp/out"))
    reference = run_parse_args(lines["referentie"])
    assert (reference.profile, reference.paths, reference.closed_paths, reference.paired_rounds) == (
        "referentie",
        ["direct"],
        ["direct"],
        0,
    )
    before = run_parse_args(lines["voor"])
    assert before.rasa_servers == 1 and "warm-up" not in before.env["RASA_SERVER_FIXES"]
    assert run_parse_args(lines["standaard-3"]).rasa_servers == 3
    for wrong in ("productie", "productie-0", "standaard,redis"):
        with pytest.raises(SystemExit):
            parse_args(["--variants", wrong])


def test_overhead_of_postgres_and_redis_is_productie_1_against_standaard_at_the_same_load() -> None:
    comparison = build_comparison(_runs())
    assert [v["variant"] for v in comparison["variants"]] == ["standaard", "productie-1", "productie-2"]
    paired, at_2, at_4, at_8 = comparison["overhead"]
    assert paired["load"] == "1 client (paired)"
    assert paired["bridge"] == {"baseline_p50_ms": 90.0, "p50_ms": 99.0, "abs_ms": 9.0, "ratio": 0.1}
    assert paired["direct"]["abs_ms"] == 8.0
    assert at_2["bridge"] == {"baseline_p50_ms": 110.0, "p50_ms": 120.0, "abs_ms": 10.0, "ratio": 0.091}
    assert at_4["bridge"]["abs_ms"] == 30.0 and not at_4["saturated"]
    assert at_8["saturated"]  # neither carried 8 msg/s: that p50 is a queue


def test_comparison_table(tmp_path: Path) -> None:
    markdown = render_comparison(build_comparison(_runs(), "python -m bench.compare"))
    assert "| 4 | productie-2 | 4 | 110 | 220 | 4 | 120 | 230 | 0/40 / 0/40 |" in markdown
    assert "| standaard | 6 | 2000 | 6 | 2000 | 4 msg/s | 4 msg/s |" in markdown  # saturation, sustained ≤ 300 ms
    assert "| productie-2 | 2000 | 200 | 300 | 2500 |" in markdown  # memory: instances and workers summed
    assert "| productie-2 | 1.8 | – | – | – | – | – | 1.98 |" in markdown  # CPU: rasa.1 + rasa.2
    assert "| 1 client (paired) | 90 | 99 | 9 | 10 % | 80 | 88 | 8 | 10 % |" in markdown
    assert "| 8 msg/s (saturated) | 910 | 1210 | 300 | 33 % |" in markdown
    assert "2 Rasa servers instead of 1: bridge saturation × 1.64 (5.5 → 9 msg/s)." in markdown
    assert "productie-1: through the bridge 2 msg/s with p95 ≤ 300 ms; saturation 5.5 msg/s" in markdown


def test_comparison_needs_the_baseline_for_the_overhead() -> None:
    comparison = build_comparison(_runs()[1:])
    assert comparison["overhead"] == []
    assert "Needs both standaard and productie-1." in render_comparison(comparison)


def test_table_again_from_finished_runs(tmp_path: Path) -> None:
    paths = []
    for result, source in _runs():
        path = tmp_path / Path(source).name
        path.write_text(json.dumps(result))
        paths.append(str(path))
    md = main(["--from-runs", *paths, "--out", str(tmp_path / "out")])
    assert md == tmp_path / "out" / "2026-11-24-1000-profielen.md"
    saved = json.loads(md.with_suffix(".json").read_text())
    assert [v["source"] for v in saved["variants"]] == paths
    assert md.read_text() == render_comparison(saved)


def test_compare_runs_each_variant_with_its_own_arguments_into_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {"standaard": _runs()[0][0], "productie-2": _runs()[2][0]}
    calls: list[list[str]] = []

    def fake_run(argv: list[str]) -> Path:  # bench.run.main without processes
        calls.append(argv)
        args = run_parse_args(argv)
        name = "standaard" if args.profile == "standaard" else f"productie-{args.rasa_instances}"
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"{name}.json"
        path.write_text(json.dumps(results[name]))
        return path

    monkeypatch.setattr("bench.compare.run.main", fake_run)
    md = main(["--variants", "standaard,productie-2", "--pause-s", "0", "--rates", "2,4,8", "--out", str(tmp_path)])
    assert [argv[:2] for argv in calls] == [["--profile", "standaard"], ["--profile", "productie"]]
    runs_dir = md.with_suffix("")
    assert md.parent == tmp_path and md.name.endswith("-profielen.md")
    assert {p.name for p in runs_dir.iterdir()} == {"standaard.json", "productie-2.json"}
    saved = json.loads(md.with_suffix(".json").read_text())
    assert [v["variant"] for v in saved["variants"]] == ["standaard", "productie-2"]
    assert saved["meta"]["command"].startswith("python -m bench.compare --variants standaard,productie-2")


def test_make_bench_reports_elke_deur_over_the_reference_and_before_over_after(tmp_path: Path) -> None:
    reference = _run("standaard", 1, {2: 50.0, 4: 60.0, 8: 140.0}, 9.0)
    reference["meta"] |= {"profile": "referentie", "label": "referentie", "bridge_workers": 0}
    reference["open_loop"] = [s for s in reference["open_loop"] if s["path"] == "direct"]
    reference["closed_loop"] = [{**reference["closed_loop"][0], "achieved_rate": 10.0}]
    before = _run("standaard", 1, {2: 100.0, 4: 120.0, 8: 900.0}, 6.0)
    before["meta"]["label"] = "voor"
    after = _run("standaard", 2, {2: 90.0, 4: 100.0, 8: 130.0}, 12.0)
    comparison = build_comparison([(reference, "r.json"), (before, "v.json"), (after, "s.json")])
    rows = {row["variant"]: row for row in comparison["reference"]}
    assert set(rows) == {"voor", "standaard"}
    # reference: 8 msg/s carried at p95 280 ms; Elke Deur now: 8 at 270 ms through the bridge
    assert (rows["standaard"]["reference_sustained"], rows["standaard"]["sustained_bridge"]) == (8.0, 8.0)
    assert rows["standaard"]["sustained_ratio"] == 1.0 and rows["voor"]["sustained_ratio"] == 0.5
    assert (rows["standaard"]["saturation_ratio"], rows["voor"]["saturation_ratio"]) == (1.2, 0.6)
    markdown = render_comparison(comparison)
    assert "## Elke Deur ÷ reference" in markdown
    assert "| standaard | 8 msg/s | 8 msg/s | 1 | 12 msg/s | 10 msg/s | 1.2 |" in markdown
    assert "Before ÷ after (voor → standaard): sustained through the bridge 4 msg/s → 8 msg/s" in markdown
    assert "Overhead of PostgreSQL" not in markdown  # no productie variants in `make bench`
