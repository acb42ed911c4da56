"""bench/tuning.py: the variants build on each other and the table shows every measured number."""

from __future__ import annotations

from typing import Any

import pytest

from bench import tuning


def test_each_variant_adds_one_fix_to_the_one_before() -> None:
    fixes = [v.env["RASA_SERVER_FIXES"] for v in tuning.VARIANTS]
    assert fixes[0] == ""  # Rasa as shipped first
    last_fix = fixes.index(tuning.ALL_FIXES)
    for before, after in zip(fixes[:last_fix], fixes[1 : last_fix + 1], strict=False):
        added = set(after.split(",")) - set(filter(None, before.split(",")))
        assert len(added) == 1 and after.startswith(before)
    # then the process settings of issue 18, on top of the fixes that are kept
    assert set(fixes[last_fix + 1 :]) == {tuning.KEPT_FIXES}
    assert tuning.ALL_FIXES.endswith(",warm-up,lazy-ted")


def _run(rate: float, rasa_cpu: float) -> dict[str, Any]:
    return {
        "achieved_rate": rate,
        "p50_ms": 100.0,
        "p95_ms": 250.0,
        "errors": 0,
        "cpu_ms_per_msg": {"rasa": rasa_cpu, "actions": 2.5, "bridge": 5.8},
    }


def test_markdown_has_a_row_per_variant_and_path() -> None:
    result = {
        "meta": {
            "started": "2026-11-23 18:00",
            "commit": "abc",
            "clients": 6,
            "seconds": 30,
            "loadavg_at_start": [0.1],
        },
        "variants": [
            {
                "variant": "x",
                "what": "Rasa 3.6 as shipped",
                "cold_start_s": {"rasa": 50.2},
                "direct": _run(11.0, 84.9),
                "bridge": _run(9.9, 84.3),
            }
        ],
    }
    table = tuning.markdown(result)
    assert "| Rasa 3.6 as shipped | direct | 11.0 | 100.0 | 250.0 | 84.9 | 2.5 | 5.8 | 0 | 50.2 |  |" in table
    assert "| Rasa 3.6 as shipped | bridge | 9.9 | 100.0 | 250.0 | 84.3 | 2.5 | 5.8 | 0 |  |  |" in table


def test_unknown_variants_are_refused() -> None:
    with pytest.raises(SystemExit):
        tuning.main(["--variants", "sneller"])
