"""Judge the regelingen ranking against tests/knowledge/regelingen_situaties.yml (issue 17).

    PYTHONPATH=. .venvs/app/bin/python -m bench.eval_regelingen [--all] [--today 2027-06-01]

Prints precision@3 over the judged situations, every miss (expected versus the real top 3) and every breach of
the hard gate: no ended regeling offered as open; an ended one only when asked by name, flagged as ended and
followed by its successor. The ranking runs in-process (the same functions GET /api/regelingen calls), so it
needs no server.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bridge.knowledge.dates import is_ended
from bridge.knowledge.fit import Intake, maak_intake
from bridge.knowledge.loader import KnowledgeBase, get_knowledge_base
from bridge.knowledge.models import Behoefte, Rol, Sector, Status, Uitkering
from bridge.knowledge.search import Treffer, find_regelingen

SITUATIES_FILE = Path(__file__).resolve().parents[1] / "tests" / "knowledge" / "regelingen_situaties.yml"
TOP = 3


@dataclass(frozen=True)
class Situatie:
    """One judged situation: the intake, the person's words and the expected top 3."""

    id: str
    intake: Intake
    q: str | None
    passend: tuple[str, ...]
    niet: tuple[str, ...] = ()


@dataclass
class Uitslag:
    """The ranking's answer for one situation, judged."""

    situatie: Situatie
    top: list[str]
    precision: float
    verboden: list[str] = field(default_factory=list)  # `niet` slugs that made the top 3

    @property
    def mis(self) -> bool:
        return self.precision < 1 or bool(self.verboden)


def _enum(kind: Any, value: Any) -> Any:
    return kind(value) if value is not None else None


def situatie_uit(raw: dict[str, Any]) -> Situatie:
    """A Situatie from one YAML entry; the kenmerken are read as the route reads them."""
    intake = maak_intake(
        rol=_enum(Rol, raw.get("rol")),
        uitkering=_enum(Uitkering, raw.get("uitkering")),
        sector=_enum(Sector, raw.get("sector")),
        behoefte=_enum(Behoefte, raw.get("behoefte")),
        teksten=(raw.get("situatie"), raw.get("q")),
    )
    return Situatie(raw["id"], intake, raw.get("q"), tuple(raw["passend"]), tuple(raw.get("niet") or ()))


def load_situaties(path: Path = SITUATIES_FILE) -> tuple[dt.date, list[Situatie]]:
    """The judging date and the situations."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["datum"], [situatie_uit(raw) for raw in data["situaties"]]


def precision_at_3(top: list[str], passend: tuple[str, ...]) -> float:
    """Share of the places that could hold a right answer that do; an empty `passend` wants an empty list."""
    if not passend:
        return 1.0 if not top else 0.0
    return len(set(top[:TOP]) & set(passend)) / min(TOP, len(passend))


def judge(kb: KnowledgeBase, situatie: Situatie, today: dt.date) -> Uitslag:
    """Rank for one situation and judge the top 3."""
    top = [t.regeling.slug for t in find_regelingen(kb, situatie.intake, situatie.q, today)[:TOP]]
    verboden = [slug for slug in top if slug in situatie.niet]
    return Uitslag(situatie, top, precision_at_3(top, situatie.passend), verboden)


def gate_breaches(kb: KnowledgeBase, situatie: Situatie, today: dt.date) -> list[str]:
    """Hard gate: ended regelingen only when asked by name, flagged as ended, with their successor right after."""
    treffers: list[Treffer] = find_regelingen(kb, situatie.intake, situatie.q, today)
    slugs = [t.regeling.slug for t in treffers]
    breaches = []
    for i, t in enumerate(treffers):
        if not is_ended(t.regeling, today):
            continue
        if t.status is not Status.beeindigd:
            breaches.append(f"{situatie.id}: {t.regeling.slug} is beeindigd maar staat als {t.status.value}")
        asked = bool(situatie.q) and any(w.startswith("U vroeg naar") for w in t.waarom)
        # The successor of an ended scheme asked about may have ended too; it comes flagged, right after it.
        successor = (
            i > 0 and treffers[i - 1].regeling.opvolger == t.regeling.slug and is_ended(treffers[i - 1].regeling, today)
        )
        if not (asked or successor):
            breaches.append(f"{situatie.id}: {t.regeling.slug} is beeindigd en niet bij naam gevraagd")
        opvolger = t.regeling.opvolger
        if opvolger and opvolger not in slugs[i + 1 : i + 2]:
            breaches.append(f"{situatie.id}: {t.regeling.slug} zonder opvolger {opvolger} direct erna")
    return breaches


def evaluate(today: dt.date | None = None, path: Path = SITUATIES_FILE) -> tuple[float, list[Uitslag], list[str]]:
    """precision@3 (mean over situations), each situation's result, and the gate breaches."""
    kb = get_knowledge_base()
    datum, situaties = load_situaties(path)
    day = today or datum
    uitslagen = [judge(kb, s, day) for s in situaties]
    breaches = [b for s in situaties for b in gate_breaches(kb, s, day)]
    return sum(u.precision for u in uitslagen) / len(uitslagen), uitslagen, breaches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every situation, not only the misses")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="judge on this date instead of the file's")
    args = parser.parse_args(argv)
    precision, uitslagen, breaches = evaluate(args.today)
    for u in uitslagen:
        if args.all or u.mis:
            mark = "MIS " if u.mis else "ok  "
            extra = f"  niet in top 3: {u.verboden}" if u.verboden else ""
            print(
                f"{mark}{u.situatie.id:34} p@3 {u.precision:.2f}  top {u.top}  passend {list(u.situatie.passend)}{extra}"
            )
    for breach in breaches:
        print(f"GATE {breach}")
    misses = sum(u.mis for u in uitslagen)
    print(
        f"\n{len(uitslagen)} situaties, precision@3 {precision:.3f}, {misses} met een mis, {len(breaches)} gate-fouten"
    )
    return 1 if breaches else 0


if __name__ == "__main__":
    raise SystemExit(main())
