"""Held-out first messages through the real system, as an outside evaluation sends them (issue 14).

A regression gate: the scores may not fall below the best level reached so far (tests/bot/eerste_berichten/gates.yml).
The same run with a printed report: `python -m bench.eval_first_messages`.
"""

from __future__ import annotations

import pytest
import yaml

from bench.eval_first_messages import HELDOUT_DIR, errors, load_cases, report, run, score

pytestmark = pytest.mark.e2e

GATES = yaml.safe_load((HELDOUT_DIR / "gates.yml").read_text(encoding="utf-8"))


def test_first_messages_meet_the_gates(system):
    outcomes = run(system.base_url, load_cases())
    result = score(outcomes)
    print(report(result))
    failed = []
    for key, limit in GATES.items():
        name, bound = key.rsplit("_", 1)
        value = result[name]
        if (bound == "min" and value < limit) or (bound == "max" and value > limit):
            failed.append(f"{name} = {value:.3f} (gate {bound} {limit})")
    assert not failed, "\n".join(failed + ["", report(result), *errors(outcomes)[:40]])
