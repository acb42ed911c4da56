"""Sub-sectors (branches with their own O&O-fonds) found from the person's words, or offered as a follow-up.

The `sector` slot keeps its contract values (docs/contracts.md). Some funds serve a branche inside one of
those sectors (bakkerijen in the detailhandel, the uitvaartbranche in zakelijke dienstverlening, ...) or no
contract sector at all. `knowledge/oo-fondsen/_sectoren.yml` lists them as `subsectoren` of a sector, each with
`trefwoorden`. Two routes reach such a fund:

1. the text: a trefwoord in what the person wrote (any sector, or none) selects the sub-sector;
2. the follow-up: when the sector is known but no trefwoord matched, the sector advice ends with one line per
   sub-sector ("Werkt u bij een bakkerij? Dan is er ...") so the person can see the fund that fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import OoFonds, Sector, SectorFondsen, Status, SubSector
from bridge.knowledge.text import normalise


@dataclass(frozen=True)
class SubSectorTreffer:
    """A sub-sector that the text names, with the contract sector it sits in and its (not ended) funds."""

    sector: Sector
    subsector: SubSector
    fondsen: list[OoFonds]
    trefwoord: str


def _padded(text: str) -> str:
    return f" {normalise(text)} "


def vind_subsector(kb: KnowledgeBase, tekst: str | None, sector: Sector | None = None) -> SubSectorTreffer | None:
    """The sub-sector whose longest trefwoord occurs (as whole words) in `tekst`; the person's own sector first."""
    if not tekst or not tekst.strip():
        return None
    padded = _padded(tekst)
    best: tuple[int, int, SubSectorTreffer] | None = None
    for parent, entry in kb.sectoren.items():
        for sub in entry.subsectoren:
            for woord in sub.trefwoorden:
                key = normalise(woord)
                if not key or f" {key} " not in padded:
                    continue
                # Longer phrases win; on a tie the sub-sector under the person's own sector wins.
                rank = (len(key), 1 if parent == sector else 0)
                if best is None or rank > best[:2]:
                    fondsen = [kb.fondsen[s] for s in sub.fondsen if kb.fondsen[s].status is not Status.beeindigd]
                    best = (*rank, SubSectorTreffer(parent, sub, fondsen, woord))
    return best[2] if best else None


def vervolgvraag(kb: KnowledgeBase, entry: SectorFondsen) -> str | None:
    """One follow-up line per sub-sector of the sector: the branche question with the fund that answers it."""
    regels = []
    for sub in entry.subsectoren:
        namen = [kb.fondsen[s].naam for s in sub.fondsen if kb.fondsen[s].status is not Status.beeindigd]
        if namen:
            regels.append(f"{sub.vraag} Dan is er een fonds voor u: {' of '.join(namen)}.")
    return " ".join(regels) or None
