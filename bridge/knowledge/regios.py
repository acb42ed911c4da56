"""Gemeente -> arbeidsmarktregio -> regional loketten (via the NLU gazetteer), how to reach them, and coverage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Loket, Regio


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


# The three regional desks of a region, in the order regios.yml lists them.
DESKS = ("werkgeversservicepunt", "werkcentrum", "leerwerkloket")


def loket_van(regio: Regio, desk: str) -> Loket | None:
    """One desk of a region by type ("werkgeversservicepunt", "werkcentrum", "leerwerkloket")."""
    if desk not in DESKS:
        raise ValueError(f"onbekend loket: {desk!r}")
    loket: Loket | None = getattr(regio, desk)
    return loket


def loket_sociale_partners(regio: Regio) -> Loket:
    """The desk for werkenden (sociale partners): the leerwerkloket or the Werkcentrum.

    A desk whose contact details are confirmed goes first (the leerwerkloketten merge into the
    Werkcentra, so either helps); with both unconfirmed the leerwerkloket, as before.
    """
    kandidaten = [loket for loket in (regio.leerwerkloket, regio.werkcentrum) if loket is not None]
    bevestigd = [loket for loket in kandidaten if loket.bevestigd]
    return (bevestigd or kandidaten)[0]


def contact(loket: Loket) -> dict[str, object]:
    """How to reach a desk, for the API and the bot: its own details when confirmed, else the fallback."""
    return {
        "naam": loket.naam,
        "url": loket.url,
        "telefoon": loket.telefoon,
        "adres": loket.adres,
        "bevestigd": loket.bevestigd,
        "terugval": None if loket.bevestigd else loket.terugval,
        "gecontroleerd": loket.gecontroleerd.isoformat() if loket.gecontroleerd else None,
    }


@dataclass(frozen=True)
class Dekking:
    """How many regions have confirmed contact details for one desk type."""

    desk: str
    regios: int
    bevestigd: int
    website: int
    telefoon: int
    adres: int

    def regel(self) -> str:
        """One Dutch line for reports, e.g. 'werkgeversservicepunt: website 6/35, telefoon 0/35'."""
        return (
            f"{self.desk}: website {self.website}/{self.regios}, telefoon {self.telefoon}/{self.regios}, "
            f"adres {self.adres}/{self.regios}, bevestigd {self.bevestigd}/{self.regios}"
        )


def dekking(regios: Iterable[Regio]) -> dict[str, Dekking]:
    """Coverage per desk type: regions whose desk has a confirmed website, phone number or address."""
    regios = list(regios)
    uit: dict[str, Dekking] = {}
    for desk in DESKS:
        loketten = [loket for regio in regios if (loket := loket_van(regio, desk)) is not None]
        bevestigd = [loket for loket in loketten if loket.bevestigd]
        uit[desk] = Dekking(
            desk=desk,
            regios=len(regios),
            bevestigd=len(bevestigd),
            website=sum(1 for loket in bevestigd if loket.url),
            telefoon=sum(1 for loket in bevestigd if loket.telefoon),
            adres=sum(1 for loket in bevestigd if loket.adres),
        )
    return uit
