"""Held-out first messages parsed in-process by the trained model: the quick look at rol and sector.

    PYTHONPATH=. .venvs/rasa/bin/python -m bench.parse_first_messages [vers_l.yml ...] [--errors]

Runs in Rasa's environment on the newest model in models/, without the bridge or the dialogue: rol is the
`rol` entity of RolClassifier, sector the last sector entity. On `vers_j` it gave the same rol and sector
numbers as `bench.eval_first_messages` through the bridge, in a minute instead of a whole system; uitkering
and gemeente are filled by the dialogue and are measured there only. Scores as in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

import yaml

HELDOUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "bot" / "eerste_berichten"
MODELS = Path(__file__).resolve().parents[1] / "models"


def verdict(label: Optional[str], rol: Optional[str]) -> str:
    """right / asked / wrong for a message with a rol label, oos_ok / oos_rol for one out of scope."""
    if label is None:
        return "oos_rol" if rol else "oos_ok"
    if label == "?":
        return "right" if rol is None else "wrong"
    return "asked" if rol is None else ("right" if rol == label else "wrong")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=["heldout_a.yml", "heldout_b.yml"])
    parser.add_argument("--errors", action="store_true", help="print the wrong ones and out of scope given a rol")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    import structlog  # Rasa's environment only, like rasa itself
    from rasa.core.agent import Agent

    # Rasa's parse logs every message at debug level through structlog
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    agent = Agent.load(str(max(MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)))
    for name in args.files:
        counts: Counter = Counter()
        for case in yaml.safe_load((HELDOUT_DIR / name).read_text(encoding="utf-8")):
            parsed = asyncio.run(agent.parse_message(case["text"]))
            entities = parsed.get("entities", [])
            rol = next((e["value"] for e in reversed(entities) if e["entity"] == "rol"), None)
            sector = next((e["value"] for e in reversed(entities) if e["entity"] == "sector"), None)
            result = verdict(case.get("rol"), rol)
            counts[result] += 1
            if case.get("rol") is not None:
                counts["sector_labelled"] += bool(case.get("sector"))
                counts["sector_found"] += bool(case.get("sector")) and sector == case.get("sector")
                counts["sector_false"] += bool(sector) and sector != case.get("sector")
            if args.errors and result in ("wrong", "oos_rol"):
                print(f"  {result}: label {case.get('rol')}, got {rol} | {case['text']}")
        n = counts["right"] + counts["asked"] + counts["wrong"]
        print(
            f"{name}: rol right / asked / wrong {100 * counts['right'] / n:.1f} / {100 * counts['asked'] / n:.1f} / "
            f"{100 * counts['wrong'] / n:.1f} % of {n}; sector found / false fill "
            f"{100 * counts['sector_found'] / max(1, counts['sector_labelled']):.1f} / {100 * counts['sector_false'] / n:.1f} %; "
            f"out of scope given a rol {counts['oos_rol']} of {counts['oos_rol'] + counts['oos_ok']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
