"""`make bench` end to end with a tiny configuration, against the real processes (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.run import main
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_available, _redis_available

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
    assert set(result["rss_mb"]["idle"]) == {"rasa.1", "rasa.2", "actions", "bridge"}  # RASA_SERVERS=2
    assert (
        result["cold_start_s"]["system"] >= min(result["cold_start_s"]["rasa.1"], result["cold_start_s"]["rasa.2"]) > 0
    )
    assert [s["path"] for s in result["closed_loop"]] == ["direct", "bridge"]
    assert json_path.with_suffix(".md").exists() and json_path.with_suffix(".png").stat().st_size > 10_000


def _bench_databases() -> set[str]:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'elkedeur_bench%'"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()


def test_short_production_benchmark_starts_the_profile_and_drops_its_databases(tmp_path: Path) -> None:
    if not Path("models/CURRENT").exists():
        pytest.skip("no trained model (make train)")
    if not (_postgres_available() and _redis_available()):
        pytest.skip("the production profile needs PostgreSQL and Redis on 127.0.0.1")
    before = _bench_databases()
    # one Rasa server: two would load their model for ~90 s on 2 cores, past this test's 2 minutes
    json_path = main([
        "--profile", "productie", "--rasa-instances", "1", "--no-train", "--rates", "2", "--paths", "direct,bridge",
        "--step-s", "4", "--closed-s", "5", "--closed-clients", "4", "--closed-paths", "bridge",
        "--paired-rounds", "0", "--budget-s", "300", "--out", str(tmp_path),
    ])  # fmt: skip
    result = json.loads(json_path.read_text())
    assert json_path.name.endswith("-productie-1.json")
    assert (result["meta"]["profile"], result["meta"]["rasa_instances"], result["meta"]["bridge_workers"]) == (
        "productie", 1, 2,
    )  # fmt: skip
    measured = {s["path"]: s for s in result["open_loop"] if not s.get("skipped")}
    assert set(measured) == {"direct", "bridge"}
    for step in [*measured.values(), *result["closed_loop"]]:
        assert step["ok"] > 0 and step["errors"] == 0, step
    assert set(result["cold_start_s"]) == {"rasa.1", "actions.1", "bridge", "system"}
    assert set(result["rss_mb"]["idle"]) == {"rasa.1", "actions.1", "bridge"}
    cores = result["closed_loop"][0]["cpu_cores"]
    assert cores["rasa.1"] > 0 and cores["bridge"] > 0 and "postgres" in cores
    assert _bench_databases() <= before  # its own databases are gone again
