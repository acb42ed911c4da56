"""The period of a monitor view: last week, month or quarter up to yesterday, or chosen dates."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

MAX_DAYS = 366


class Periode(StrEnum):
    week = "week"
    maand = "maand"
    kwartaal = "kwartaal"
    aangepast = "aangepast"


LENGTHS = {Periode.week: 7, Periode.maand: 30, Periode.kwartaal: 91}
LABELS = {
    Periode.week: "Afgelopen week",
    Periode.maand: "Afgelopen 30 dagen",
    Periode.kwartaal: "Afgelopen kwartaal (91 dagen)",
    Periode.aangepast: "Zelf gekozen",
}


class BadPeriod(ValueError):
    """A custom period without valid dates, backwards, or longer than MAX_DAYS."""


def resolve(periode: Periode, today: date, van: date | None = None, tot: date | None = None) -> tuple[date, date]:
    """(first, last day), both inclusive. The roll-up holds ended days, so periods end yesterday."""
    yesterday = today - timedelta(days=1)
    if periode is not Periode.aangepast:
        return yesterday - timedelta(days=LENGTHS[periode] - 1), yesterday
    if van is None or tot is None:
        raise BadPeriod("Kies een begin- en einddatum.")
    if van > tot:
        raise BadPeriod("De begindatum ligt na de einddatum.")
    if (tot - van).days + 1 > MAX_DAYS:
        raise BadPeriod(f"Kies een periode van hoogstens {MAX_DAYS} dagen.")
    return van, tot
