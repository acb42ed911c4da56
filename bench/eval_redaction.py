"""Precision, recall and F1 of the redaction detector on tests/privacy/redaction_cases.yml.

Run: PYTHONPATH=. .venvs/app/bin/python bench/eval_redaction.py [--verbose]
A finding counts as correct only with the right kind and exactly the expected text.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bridge.privacy.redaction import KINDS, find_personal_data

CASES_FILE = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "redaction_cases.yml"


@dataclass
class Score:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores per kind, the overall score and the cases that went wrong."""

    per_kind: dict[str, Score]
    overall: Score
    errors: list[str] = field(default_factory=list)
    cases: int = 0
    look_alikes: int = 0


def load_cases(path: Path = CASES_FILE) -> tuple[date, list[dict[str, Any]]]:
    """The fixed evaluation date and the cases of the YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["today"], data["cases"]


def evaluate(path: Path = CASES_FILE) -> Evaluation:
    """Run the detector on every case and count matches per kind."""
    today, cases = load_cases(path)
    per_kind = {kind: Score() for kind in KINDS}
    errors: list[str] = []
    for case in cases:
        expected = Counter((kind, value) for item in case["expect"] for kind, value in item.items())
        found = Counter((f.kind, f.value) for f in find_personal_data(case["text"], today=today))
        for (kind, _value), n in (expected & found).items():
            per_kind[kind].tp += n
        for (kind, value), n in (found - expected).items():
            per_kind[kind].fp += n
            errors.append(f"FP {kind}: {value!r} in {case['text']!r}")
        for (kind, value), n in (expected - found).items():
            per_kind[kind].fn += n
            errors.append(f"FN {kind}: {value!r} in {case['text']!r}")
    overall = Score(
        tp=sum(s.tp for s in per_kind.values()),
        fp=sum(s.fp for s in per_kind.values()),
        fn=sum(s.fn for s in per_kind.values()),
    )
    look_alikes = sum(1 for case in cases if not case["expect"])
    return Evaluation(per_kind, overall, errors, len(cases), look_alikes)


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when overall precision or recall is below the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list every wrong case")
    parser.add_argument("--target", type=float, default=0.98)
    args = parser.parse_args(argv)
    result = evaluate()
    print(f"{result.cases} cases ({result.look_alikes} look-alikes without personal data)")
    print(f"{'kind':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'F1':>7}")
    rows = [*result.per_kind.items(), ("overall", result.overall)]
    for kind, s in rows:
        print(f"{kind:<16}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}")
    if args.verbose:
        for error in result.errors:
            print(error)
    ok = result.overall.precision >= args.target and result.overall.recall >= args.target
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
