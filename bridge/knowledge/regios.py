"""Gemeente -> arbeidsmarktregio -> regional loketten, via the NLU engineer's gazetteer."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Regio


@dataclass(frozen=True)
class Plaats:
    """A resolved gemeente with its region entry from regios.yml."""

    gemeente: str
    regio: Regio


def resolve_gemeente(kb: KnowledgeBase, naam: str | None) -> Plaats | None:
    """The gemeente for a slot value or typed name; None when unknown or ambiguous."""
    if not naam or not naam.strip():
        return None
    from knowledge import places  # lazy: the gazetteer reads its CSVs on first use

    gemeente = places.gemeente_by_name(naam)
    if gemeente is None:
        candidates = places.resolve_place(naam)
        # Only a sure match counts; an ambiguous place needs a question, not a guess.
        gemeente = candidates[0] if len(candidates) == 1 else None
    if gemeente is None:
        return None
    regio = kb.regios.get(gemeente.arbeidsmarktregio_code)
    return Plaats(gemeente.naam, regio) if regio is not None else None
