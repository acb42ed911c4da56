"""Loonkostensubsidie rekenhulp: an indication, never a decision (the gemeente decides after a loonwaardemeting).

Method (SV Land rekentool, agreed with SZW; Participatiewet art. 10d; fact sheet section 2.1):
1. loonwaarde in euro = loonwaarde % x functieloon incl. vakantiebijslag (functieloon = WML if no wage is given);
2. LKS = WML incl. vakantiebijslag - loonwaarde, at most 70 % of WML incl. vakantiebijslag;
3. werkgeverslasten = 23,5 % of LKS (Stcrt. 2017, 68248); 4. total = 2 + 3. Pro rata: hours x 52 / 12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# WML per hour for 21+, by start date. Sources: mkbservicedesk.nl (1 Jul 2025 € 14,40; 1 Jan 2026 € 14,71),
# grootheddeaccountants.nl/wettelijk-minimumloon-per-1-januari-2026. The WML changes every 1 Jan and 1 Jul.
WML_PER_UUR: list[tuple[dt.date, Decimal, str]] = [
    (dt.date(2025, 7, 1), Decimal("14.40"), "https://www.mkbservicedesk.nl/nieuws/ondernemersnieuws/minimumloon-2026-dit-zijn-de-nieuwe-bedragen-per-1-januari"),
    (dt.date(2026, 1, 1), Decimal("14.71"), "https://www.grootheddeaccountants.nl/wettelijk-minimumloon-per-1-januari-2026"),
]
VAKANTIEBIJSLAG = Decimal("0.08")
MAX_DEEL_WML = Decimal("0.70")
WERKGEVERSLASTEN = Decimal("0.235")
BRONNEN = [
    "https://www.svland.nl/kennisbank/rekentool-loonkostensubsidie-aangepast",
    "https://zoek.officielebekendmakingen.nl/stcrt-2017-68248.html",
    "https://www.divosa.nl/meedoen/loonkostensubsidie",
]
VOORBEHOUD = (
    "Dit is alleen een indicatie. De gemeente waar de werknemer woont beslist over loonkostensubsidie, "
    "na een loonwaardemeting op de werkplek door een loonwaardedeskundige. Het percentage voor werkgeverslasten "
    "(23,5 %) is niet recent gecontroleerd, en het minimumloon verandert elk half jaar."
)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Uitkomst:
    """Result of the rekenhulp, amounts per month, rounded to cents."""

    indicatie_per_maand: Decimal
    loonkostensubsidie: Decimal
    werkgeverslasten: Decimal
    wml_per_uur: Decimal
    wml_per_maand: Decimal
    wml_per_maand_incl_vakantiebijslag: Decimal
    functieloon_per_maand: Decimal
    loonwaarde_per_maand: Decimal
    uren_per_maand: Decimal
    maximum_bereikt: bool
    wml_bron: str | None
    waarschuwingen: list[str]


def wml_op(today: dt.date) -> tuple[Decimal, dt.date, str, bool]:
    """The latest known hourly WML on `today`, its start date, source and whether it may be outdated."""
    known = [row for row in WML_PER_UUR if row[0] <= today] or WML_PER_UUR[:1]
    start, bedrag, bron = known[-1]
    # The next indexation is half a year later; after that date our figure may be stale.
    volgende = dt.date(start.year + (start.month == 7), 1 if start.month == 7 else 7, 1)
    return bedrag, start, bron, today >= volgende


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def bereken_loonkostensubsidie(
    loonwaarde_procent: Decimal,
    uren_per_week: Decimal,
    today: dt.date,
    brutoloon_per_maand: Decimal | None = None,
    wml_per_uur: Decimal | None = None,
) -> Uitkomst:
    """Indicative monthly loonkostensubsidie plus werkgeverslasten, pro rata for the hours."""
    if not Decimal(0) <= loonwaarde_procent <= Decimal(100):
        raise ValueError("loonwaarde_procent moet tussen 0 en 100 liggen")
    if not Decimal(0) < uren_per_week <= Decimal(60):
        raise ValueError("uren_per_week moet tussen 0 en 60 liggen")
    waarschuwingen: list[str] = []
    bron: str | None = None
    if wml_per_uur is None:
        wml_per_uur, start, bron, oud = wml_op(today)
        if oud:
            waarschuwingen.append(
                f"Het minimumloon in deze berekening (€ {str(wml_per_uur).replace('.', ',')} per uur) geldt sinds {start:%d-%m-%Y}; "
                "er is daarna mogelijk een nieuw bedrag. Controleer het op rijksoverheid.nl."
            )
    uren_per_maand = uren_per_week * 52 / 12
    wml_maand = wml_per_uur * uren_per_maand
    wml_incl = wml_maand * (1 + VAKANTIEBIJSLAG)
    functieloon = wml_maand
    if brutoloon_per_maand is not None:
        if brutoloon_per_maand < _cents(wml_maand):
            waarschuwingen.append(
                "Het brutoloon is lager dan het minimumloon voor deze uren. De werknemer moet minstens het "
                "minimumloon krijgen; wij rekenen daarom met het minimumloon."
            )
        else:
            functieloon = brutoloon_per_maand
    loonwaarde = loonwaarde_procent / 100 * functieloon * (1 + VAKANTIEBIJSLAG)
    lks = max(Decimal(0), wml_incl - loonwaarde)
    maximum = MAX_DEEL_WML * wml_incl
    maximum_bereikt = lks > maximum
    lks = min(lks, maximum)
    if lks == 0:
        waarschuwingen.append(
            "Bij deze loonwaarde en dit loon is er geen loonkostensubsidie: de loonwaarde is minstens het minimumloon."
        )
    lasten = lks * WERKGEVERSLASTEN
    return Uitkomst(
        indicatie_per_maand=_cents(lks + lasten),
        loonkostensubsidie=_cents(lks),
        werkgeverslasten=_cents(lasten),
        wml_per_uur=wml_per_uur,
        wml_per_maand=_cents(wml_maand),
        wml_per_maand_incl_vakantiebijslag=_cents(wml_incl),
        functieloon_per_maand=_cents(functieloon),
        loonwaarde_per_maand=_cents(loonwaarde),
        uren_per_maand=uren_per_maand.quantize(_CENT, rounding=ROUND_HALF_UP),
        maximum_bereikt=maximum_bereikt,
        wml_bron=bron,
        waarschuwingen=waarschuwingen,
    )
