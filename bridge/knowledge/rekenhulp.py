"""Loonkostensubsidie rekenhulp: an indication, never a decision (the gemeente decides after a loonwaardemeting).

Method (SV Land rekentool, agreed with SZW; Participatiewet art. 10d; fact sheet section 2.1):
1. loonwaarde in euro = loonwaarde % x functieloon incl. vakantiebijslag (functieloon = WML if no wage is given);
2. LKS = WML incl. vakantiebijslag - loonwaarde, at most 70 % of WML incl. vakantiebijslag;
3. werkgeverslasten = 23,5 % of LKS (Stcrt. 2017, 68248); 4. total = 2 + 3. Pro rata: hours x 52 / 12.

WML here is the wettelijk minimumloon for the employee's age (issue 17): below 21 the minimumjeugdloon, a fixed
percentage of the 21+ amount, rounded to whole cents per hour (that rounding reproduces the hourly amounts SVB
publishes for 1 January 2025). Without an age the rekenhulp uses the 21+ amount and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# WML per hour for 21+, by start date; the WML changes every 1 Jan and 1 Jul. Checked 7 December 2026:
# - 1 Jan 2025 € 14,06: SVB (primary), with the youth amounts per age.
# - 1 Jul 2025 € 14,40: set by SZW in Stcrt. 2025, 12264 (nr. 2025-0000069776) as cited by tax advisers; the stored
#   copy we could read is secondary (mkbservicedesk.nl), the Staatscourant page itself was not in the stored pages.
# - 1 Jan 2026 € 14,71: only secondary copies found (the source names the ministerial regulation on rijksoverheid.nl).
# - 1 Jul 2026: no source found, so after 1 July 2026 the rekenhulp warns that a newer amount may apply.
WML_PER_UUR: list[tuple[dt.date, Decimal, str]] = [
    (
        dt.date(2025, 1, 1),
        Decimal("14.06"),
        "https://svb.nl/nl/pgb/een-zorgovereenkomst-afsluiten/bedragen-minimumlonen-vanaf-1-januari-2025",
    ),
    (
        dt.date(2025, 7, 1),
        Decimal("14.40"),
        "https://www.mkbservicedesk.nl/nieuws/ondernemersnieuws/minimumloon-2026-dit-zijn-de-nieuwe-bedragen-per-1-januari",
    ),
    (
        dt.date(2026, 1, 1),
        Decimal("14.71"),
        "https://www.grootheddeaccountants.nl/wettelijk-minimumloon-per-1-januari-2026",
    ),
]
# Minimumjeugdloon: percentage of the 21+ WML by age (unchanged in every table above; 21 and older: 100 %).
# The youth hourly amounts of SVB for 1 Jan 2025 (20 jaar € 11,25 ... 15 jaar € 4,22) follow from these
# percentages rounded half up to cents. bbl-leerlingen of 18-20 have lower percentages (61,5 / 52,5 / 45,5 %):
# not modelled, the rekenhulp warns instead.
VOLWASSEN_LEEFTIJD = 21
MINIMUMJEUGDLOON_PERCENTAGE: dict[int, Decimal] = {
    15: Decimal("0.300"),
    16: Decimal("0.345"),
    17: Decimal("0.395"),
    18: Decimal("0.500"),
    19: Decimal("0.600"),
    20: Decimal("0.800"),
}
JEUGDLOON_BRON = "https://svb.nl/nl/pgb/een-zorgovereenkomst-afsluiten/bedragen-minimumlonen-vanaf-1-januari-2025"
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
    # Added in issue 17: which minimumloon was used, from when, for which age (None: 21+ assumed).
    wml_21_plus_per_uur: Decimal | None = None
    wml_geldig_vanaf: dt.date | None = None
    leeftijd: int | None = None
    minimumloon_percentage: Decimal = Decimal(1)
    toelichting: tuple[str, ...] = ()


def wml_op(today: dt.date) -> tuple[Decimal, dt.date, str, bool]:
    """The latest known hourly WML on `today`, its start date, source and whether it may be outdated."""
    known = [row for row in WML_PER_UUR if row[0] <= today] or WML_PER_UUR[:1]
    start, bedrag, bron = known[-1]
    # The next indexation is half a year later; after that date our figure may be stale.
    volgende = dt.date(start.year + (start.month == 7), 1 if start.month == 7 else 7, 1)
    return bedrag, start, bron, today >= volgende


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def minimumloon_percentage(leeftijd: int | None) -> Decimal:
    """Share of the 21+ WML that applies at this age (1 for 21 and older, or when the age is unknown)."""
    if leeftijd is None or leeftijd >= VOLWASSEN_LEEFTIJD:
        return Decimal(1)
    if leeftijd not in MINIMUMJEUGDLOON_PERCENTAGE:
        raise ValueError("leeftijd moet minstens 15 jaar zijn (daaronder geldt geen minimumloon)")
    return MINIMUMJEUGDLOON_PERCENTAGE[leeftijd]


def wml_voor_leeftijd(wml_21_plus: Decimal, leeftijd: int | None) -> Decimal:
    """The hourly minimumloon for this age: the 21+ amount times the youth percentage, rounded to cents."""
    percentage = minimumloon_percentage(leeftijd)
    return wml_21_plus if percentage == 1 else _cents(wml_21_plus * percentage)


def _euro(bedrag: Decimal) -> str:
    return f"€ {bedrag:.2f}".replace(".", ",")


def bereken_loonkostensubsidie(
    loonwaarde_procent: Decimal,
    uren_per_week: Decimal,
    today: dt.date,
    brutoloon_per_maand: Decimal | None = None,
    wml_per_uur: Decimal | None = None,
    leeftijd: int | None = None,
) -> Uitkomst:
    """Indicative monthly loonkostensubsidie plus werkgeverslasten, pro rata for the hours.

    `wml_per_uur` overrides the 21+ amount from the table; `leeftijd` (15 or older) applies the minimumjeugdloon
    percentage to it. Without `leeftijd` the 21+ amount is used and the result says so in `toelichting`.
    """
    if not Decimal(0) <= loonwaarde_procent <= Decimal(100):
        raise ValueError("loonwaarde_procent moet tussen 0 en 100 liggen")
    if not Decimal(0) < uren_per_week <= Decimal(60):
        raise ValueError("uren_per_week moet tussen 0 en 60 liggen")
    percentage = minimumloon_percentage(leeftijd)
    waarschuwingen: list[str] = []
    toelichting: list[str] = []
    bron: str | None = None
    start: dt.date | None = None
    if wml_per_uur is None:
        wml_per_uur, start, bron, oud = wml_op(today)
        if oud:
            waarschuwingen.append(
                f"Het minimumloon in deze berekening (€ {str(wml_per_uur).replace('.', ',')} per uur) geldt sinds {start:%d-%m-%Y}; "
                "er is daarna mogelijk een nieuw bedrag. Controleer het op rijksoverheid.nl."
            )
    wml_21_plus = wml_per_uur
    wml_per_uur = wml_voor_leeftijd(wml_21_plus, leeftijd)
    vanaf = f", geldig vanaf {start:%d-%m-%Y}" if start else ""
    if leeftijd is None:
        toelichting.append(
            f"Gerekend met het minimumloon voor 21 jaar en ouder: {_euro(wml_21_plus)} per uur{vanaf}. "
            "Is de werknemer jonger dan 21? Dan is het minimumloon lager en de subsidie ook."
        )
    elif percentage == 1:
        toelichting.append(f"Gerekend met het minimumloon voor 21 jaar en ouder: {_euro(wml_21_plus)} per uur{vanaf}.")
    else:
        toelichting.append(
            f"Gerekend met het minimumjeugdloon voor {leeftijd} jaar: {_euro(wml_per_uur)} per uur "
            f"({f'{percentage * 100:.1f}'.replace('.', ',')} % van {_euro(wml_21_plus)}{vanaf})."
        )
        if 18 <= leeftijd <= 20:
            toelichting.append(
                "Volgt de werknemer een bbl-opleiding? Dan is het minimumjeugdloon lager; daar rekent deze hulp niet mee."
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
        wml_21_plus_per_uur=wml_21_plus,
        wml_geldig_vanaf=start,
        leeftijd=leeftijd,
        minimumloon_percentage=percentage,
        toelichting=tuple(toelichting),
    )
