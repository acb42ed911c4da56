"""`make bench` end to end with a tiny configuration, against the real processes (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.run import main

pytestmark = pytest.mark.e2e


def test_short_benchmark_writes_json_table_and_plot(tmp_path: Path) -> None:
    if not Path("models/CURRENT").exists():
        pytest.skip("no trained model (make train)")
    json_path = main([
        "--no-train", "--rates", "2", "--step-s", "4", "--closed-s", "4", "--closed-clients", "4",
        "--paired-rounds", "0", "--budget-s", "420", "--out", str(tmp_path),
    ])  # fmt: skip
    result = json.loads(json_path.read_text())
    measured = {s["path"]: s for s in result["open_loop"] if not s.get("skipped")}
    assert set(measured) == {"parse", "direct", "bridge"}
    for step in measured.values():
        assert step["ok"] > 0 and step["errors"] == 0, step
    assert result["bridge_overhead"][0]["target_rate"] == 2
    assert set(result["rss_mb"]["idle"]) == {"rasa", "actions", "bridge"}
    assert result["cold_start_s"]["system"] >= result["cold_start_s"]["rasa"] > 0
    assert [s["path"] for s in result["closed_loop"]] == ["direct", "bridge"]
    assert json_path.with_suffix(".md").exists() and json_path.with_suffix(".png").stat().st_size > 10_000
