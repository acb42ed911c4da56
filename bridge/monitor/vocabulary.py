"""What the Regiomonitor counts: measures, their keys and Dutch labels (also the export's data dictionary).

Every key is a code from a fixed list; values from elsewhere become "" (onbekend), so no free text
can ever reach the roll-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import contract

CHANNELS = ("web", "telegram")
INTAKE_QUESTIONS = ("rol", "uitkering", "gemeente", "sector", "behoefte")
REDENEN = contract.REDENEN
OUTCOMES = ("geholpen", "doorverwezen", "geen_contact", "dubbel", "anders", "terug_naar_bot", "open")
UNKNOWN = ""

# (upper bound in minutes, key); the last bucket has no upper bound.
WAIT_BUCKETS = (
    (5, "0-5m"),
    (15, "5-15m"),
    (30, "15-30m"),
    (60, "30-60m"),
    (240, "1-4u"),
    (1440, "4-24u"),
    (None, "1d+"),
)
CLOSE_BUCKETS = ((60, "0-1u"), (240, "1-4u"), (1440, "4-24u"), (4320, "1-3d"), (10080, "3-7d"), (None, "7d+"))
BUCKET_LABELS = {
    "0-5m": "0 tot 5 minuten",
    "5-15m": "5 tot 15 minuten",
    "15-30m": "15 tot 30 minuten",
    "30-60m": "30 minuten tot 1 uur",
    "0-1u": "minder dan 1 uur",
    "1-4u": "1 tot 4 uur",
    "4-24u": "4 tot 24 uur",
    "1d+": "meer dan 1 dag",
    "1-3d": "1 tot 3 dagen",
    "3-7d": "3 tot 7 dagen",
    "7d+": "meer dan 7 dagen",
    "niet_opgepakt": "nog niet opgepakt",
    "open": "nog open",
}


@dataclass(frozen=True)
class Measure:
    """One table of the monitor: a count per key; `total` names what the keys add up to (None: no total)."""

    name: str
    title: str
    meaning: str
    keys: tuple[str, ...]
    total: str | None


MIX_KEYS = {
    "rol": contract.ROLLEN + (UNKNOWN,),
    "uitkering": contract.UITKERINGEN + (UNKNOWN,),
    "sector": contract.SECTOREN + (UNKNOWN,),
    "behoefte": contract.BEHOEFTEN + (UNKNOWN,),
}

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "gesprekken",
            "Gesprekken gestart",
            "Gesprekken die op deze dag begonnen (alle andere cijfers horen bij deze gesprekken).",
            ("",),
            None,
        ),
        Measure(
            "intake",
            "Intake: afgerond of gestopt bij vraag",
            "Per gesprek: de intake afgerond, de laatste vraag "
            "die de assistent stelde voordat het gesprek stopte, of nooit aan de intake begonnen.",
            ("afgerond", *INTAKE_QUESTIONS, "niet_begonnen"),
            "gesprekken",
        ),
        Measure(
            "rol",
            "Rol",
            "Wie vraagt: werkende, werkzoekende of werkgever (leeg: onbekend).",
            MIX_KEYS["rol"],
            "gesprekken",
        ),
        Measure("uitkering", "Uitkering", "De uitkering die de persoon noemde.", MIX_KEYS["uitkering"], "gesprekken"),
        Measure("sector", "Sector", "De sector die de persoon noemde.", MIX_KEYS["sector"], "gesprekken"),
        Measure("behoefte", "Behoefte", "Waar de persoon hulp bij zoekt.", MIX_KEYS["behoefte"], "gesprekken"),
        Measure(
            "regeling_getoond",
            "Regelingen getoond",
            "Gesprekken waarin de assistent deze regeling liet zien "
            "(één gesprek kan meer regelingen zien; geen totaal).",
            (),
            None,
        ),
        Measure(
            "beeindigd_gevraagd",
            "Beëindigde regelingen waar naar gevraagd werd",
            "Gesprekken waarin iemand naar deze regeling vroeg terwijl die op die dag al beëindigd was.",
            (),
            None,
        ),
        Measure(
            "overdracht_reden",
            "Overdrachten naar een medewerker, naar reden",
            "Zaken die de assistent aan een organisatie overdroeg, naar de reden.",
            REDENEN,
            "overdrachten",
        ),
        Measure(
            "uitkomst",
            "Uitkomst van de zaak",
            "Hoe de zaak werd afgesloten; terug_naar_bot is teruggegeven aan "
            "de assistent; open is nog niet afgesloten.",
            OUTCOMES,
            "overdrachten",
        ),
        Measure(
            "doorgezet",
            "Doorgezet naar een andere organisatie (verkeerde deur)",
            "Zaken die minstens één keer naar een andere organisatie zijn doorgezet.",
            ("ja", "nee"),
            "overdrachten",
        ),
        Measure(
            "wachttijd",
            "Wachttijd tot een medewerker de zaak oppakt",
            "Tijd van overdracht tot de eerste keer oppakken.",
            tuple(key for _, key in WAIT_BUCKETS) + ("niet_opgepakt",),
            "overdrachten",
        ),
        Measure(
            "doorlooptijd",
            "Tijd tot afsluiten",
            "Tijd van overdracht tot afsluiten of teruggeven.",
            tuple(key for _, key in CLOSE_BUCKETS) + ("open",),
            "overdrachten",
        ),
        Measure(
            "berichten",
            "Berichten aan de assistent",
            "Berichten van de persoon aan de digitale assistent, en of "
            "de assistent ze begreep (niet begrepen: Rasa's nlu_fallback).",
            ("begrepen", "niet_begrepen"),
            "berichten",
        ),
    )
}

KEY_LABELS: dict[str, dict[str, str]] = {
    "intake": {
        "afgerond": "Intake afgerond",
        "rol": "Gestopt bij: rol",
        "uitkering": "Gestopt bij: uitkering",
        "gemeente": "Gestopt bij: gemeente",
        "sector": "Gestopt bij: sector",
        "behoefte": "Gestopt bij: behoefte",
        "niet_begonnen": "Niet aan de intake begonnen",
    },
    "uitkering": contract.LABELS["uitkering"],
    "sector": {"ict": "ICT", "transport_logistiek": "Transport en logistiek"},
    "overdracht_reden": {
        "gevraagd": "Vroeg zelf om een medewerker",
        "crisis": "Mogelijk in nood",
        "frustratie": "Liep vast",
        "niet_begrepen": "Niet begrepen",
        "storing": "Storing",
    },
    "uitkomst": {
        "geholpen": "Geholpen",
        "doorverwezen": "Doorverwezen",
        "geen_contact": "Geen contact",
        "dubbel": "Dubbele melding",
        "anders": "Anders",
        "terug_naar_bot": "Teruggegeven aan de assistent",
        "open": "Nog open",
    },
    "doorgezet": {"ja": "Doorgezet", "nee": "Niet doorgezet"},
    "berichten": {"begrepen": "Begrepen", "niet_begrepen": "Niet begrepen"},
}

DIMENSIONS = {
    "dag": "Datum (Nederlandse tijd) waarop het gesprek begon.",
    "arbeidsmarktregio": "Arbeidsmarktregio uit de intake (leeg: onbekend).",
    "organisatie": "Organisatie die de eerste overdracht kreeg (leeg: geen overdracht).",
    "kanaal": "web of telegram.",
}


def key_label(measure: str, key: str) -> str:
    """Dutch label of one key."""
    if key == UNKNOWN:
        return "Onbekend"
    label = KEY_LABELS.get(measure, {}).get(key) or BUCKET_LABELS.get(key)
    return label or key.replace("_", " ").replace("-", " ").capitalize()


def bucket(minutes: float, buckets: tuple[tuple[int | None, str], ...]) -> str:
    """The bucket key for a duration in minutes."""
    for upper, key in buckets:
        if upper is None or minutes < upper:
            return key
    return buckets[-1][1]
