"""Held-out first messages through the real system: is rol right, asked or wrong after one message?

    PYTHONPATH=. .venvs/app/bin/python -m bench.eval_first_messages [--base-url URL] [--errors] [--json out.json]

Without --base-url it starts the assistant as `make run` does (bench.system) on free ports and
stops it afterwards. Every message goes to a fresh conversation through the public bridge API
(POST /api/conversations, POST .../messages, GET ... slots), as an outside evaluation does.
The set is tests/bot/eerste_berichten/heldout_*.yml (the regression gate), or with --files another
one such as vers_c.yml (written last and never used to find errors): apart from the training data, from personas;
`rol: "?"` means a person could not tell (asking is right there), `rol: null` means out of scope.

Scores (docs in bench/README.md):
- rol right / asked / wrong over the messages with a rol; a "?" message is right when asked;
- uitkering, sector, gemeente: found (labelled value filled, of the messages that have one) and
  false fill (a value filled that is not the label, of all in-scope messages);
- out of scope given a rol.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import yaml

from bridge.core.config import PROJECT_ROOT

HELDOUT_DIR = PROJECT_ROOT / "tests" / "bot" / "eerste_berichten"
SLOTS = ("uitkering", "sector", "gemeente")
# Allow plenty of conversations from one address during the run.
LIMITS = {"RATE_LIMIT_NEW_CONVERSATIONS": "100000/minute", "RATE_LIMIT_PER_CLIENT": "100000/minute"}


@dataclass(frozen=True)
class Case:
    text: str
    rol: str | None
    uitkering: str | None
    gemeente: str | None
    sector: str | None
    persona: str = ""


@dataclass(frozen=True)
class Outcome:
    case: Case
    slots: dict


def load_cases(directory: Path = HELDOUT_DIR, pattern: str = "heldout_*.yml") -> list[Case]:
    """Every held-out message of the files matching pattern, in file order."""
    cases = []
    for path in sorted(directory.glob(pattern)):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append(
                Case(
                    **{k: row.get(k) for k in ("text", "rol", "uitkering", "gemeente", "sector")},
                    persona=row.get("persona") or "",
                )
            )
    return cases


def first_message_slots(client: httpx.Client, text: str) -> dict:
    """The slots after one message in a fresh conversation."""
    conversation = client.post("/api/conversations", json={}).raise_for_status().json()["id"]
    client.post(f"/api/conversations/{conversation}/messages", json={"text": text}).raise_for_status()
    slots = client.get(f"/api/conversations/{conversation}").raise_for_status().json().get("slots") or {}
    client.delete(f"/api/conversations/{conversation}")
    return slots


def run(base_url: str, cases: Sequence[Case]) -> list[Outcome]:
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        return [Outcome(case, first_message_slots(client, case.text)) for case in cases]


def rol_verdict(case: Case, slots: dict) -> str:
    """right / asked / wrong for a message with a rol (or "?")."""
    got = slots.get("rol")
    if got is None:
        return "right" if case.rol == "?" else "asked"
    return "right" if got == case.rol else "wrong"


def score(outcomes: Iterable[Outcome]) -> dict:
    """The numbers of the module docstring, as fractions (and counts)."""
    outcomes = list(outcomes)
    in_scope = [o for o in outcomes if o.case.rol is not None]
    out_scope = [o for o in outcomes if o.case.rol is None]
    verdicts = Counter(rol_verdict(o.case, o.slots) for o in in_scope)
    result: dict = {"n": len(outcomes), "n_in_scope": len(in_scope), "n_out_of_scope": len(out_scope)}
    for verdict in ("right", "asked", "wrong"):
        result[f"rol_{verdict}"] = verdicts[verdict] / max(1, len(in_scope))
    for slot in SLOTS:
        labelled = [o for o in in_scope if getattr(o.case, slot)]
        found = sum(1 for o in labelled if o.slots.get(slot) == getattr(o.case, slot))
        false = sum(1 for o in in_scope if o.slots.get(slot) and o.slots.get(slot) != getattr(o.case, slot))
        result[f"{slot}_found"] = found / max(1, len(labelled))
        result[f"{slot}_false_fill"] = false / max(1, len(in_scope))
    result["out_of_scope_given_rol"] = sum(1 for o in out_scope if o.slots.get("rol"))
    return result


def errors(outcomes: Iterable[Outcome]) -> list[str]:
    """One line per wrong rol or wrong slot, for reading."""
    lines = []
    for o in outcomes:
        problems = []
        if o.case.rol is None:
            if o.slots.get("rol"):
                problems.append(f"rol {o.slots['rol']} (buiten bereik)")
        elif rol_verdict(o.case, o.slots) != "right":
            problems.append(f"rol {o.slots.get('rol')} ≠ {o.case.rol}")
        for slot in SLOTS:
            got, want = o.slots.get(slot), getattr(o.case, slot)
            if o.case.rol is not None and got != want and (got or want):
                problems.append(f"{slot} {got} ≠ {want}")
        if problems:
            lines.append(f"{'; '.join(problems)}  «{o.case.text}»")
    return lines


def report(result: dict) -> str:
    pct = lambda key: f"{100 * result[key]:.1f} %"  # noqa: E731
    return "\n".join(
        [
            f"{result['n']} messages ({result['n_in_scope']} in scope, {result['n_out_of_scope']} out of scope)",
            f"rol        right {pct('rol_right')}  asked {pct('rol_asked')}  wrong {pct('rol_wrong')}",
            *(f"{slot:<10} found {pct(slot + '_found')}  false fill {pct(slot + '_false_fill')}" for slot in SLOTS),
            f"out of scope given a rol: {result['out_of_scope_given_rol']} of {result['n_out_of_scope']}",
        ]
    )


def evaluate_started_system(cases: Sequence[Case]) -> list[Outcome]:
    """Start the assistant like `make run` (own ports and databases), evaluate, stop it."""
    from bench.system import start_system, wait_ready

    with tempfile.TemporaryDirectory(prefix="eval-first-") as workdir:
        started = start_system(Path(workdir), extra_env=LIMITS)
        try:
            wait_ready(started, timeout_s=300)
            return run(started.bridge_url, cases)
        finally:
            started.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running bridge; default: start one")
    parser.add_argument("--errors", action="store_true", help="list every wrong rol and slot")
    parser.add_argument("--json", type=Path, help="write the scores and every outcome here")
    parser.add_argument(
        "--files",
        default="heldout_*.yml",
        help="which files of tests/bot/eerste_berichten (vers_*.yml: the set kept unseen)",
    )
    args = parser.parse_args(argv)
    cases = load_cases(pattern=args.files)
    outcomes = run(args.base_url, cases) if args.base_url else evaluate_started_system(cases)
    result = score(outcomes)
    if args.errors:
        print("\n".join(errors(outcomes)))
    print(report(result))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"scores": result, "outcomes": [{**asdict(o.case), "got": o.slots} for o in outcomes]},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
