"""The values docs/contracts.md fixes: slots, traits, handoff reasons, conversation status, the intake."""

from __future__ import annotations

from enum import Enum
from typing import Dict, Tuple, Type


class Rol(str, Enum):
    """Slot `rol` (docs/contracts.md)."""

    werkende = "werkende"
    werkzoekende = "werkzoekende"
    werkgever = "werkgever"


class Uitkering(str, Enum):
    """Slot `uitkering` (docs/contracts.md)."""

    ww = "ww"
    wia = "wia"
    wajong = "wajong"
    bijstand = "bijstand"
    geen = "geen"


class Sector(str, Enum):
    """Slot `sector` (docs/contracts.md)."""

    zorg = "zorg"
    techniek = "techniek"
    bouw = "bouw"
    horeca = "horeca"
    transport_logistiek = "transport_logistiek"
    ict = "ict"
    onderwijs = "onderwijs"
    detailhandel = "detailhandel"
    schoonmaak = "schoonmaak"
    metaal = "metaal"
    installatie = "installatie"
    kinderopvang = "kinderopvang"
    overheid = "overheid"
    landbouw = "landbouw"
    zakelijke_dienstverlening = "zakelijke_dienstverlening"
    uitzend = "uitzend"


class Behoefte(str, Enum):
    """Slot `behoefte` (docs/contracts.md)."""

    scholing = "scholing"
    ander_werk = "ander_werk"
    werk_vinden = "werk_vinden"
    ontslag_dreigt = "ontslag_dreigt"
    personeel_vinden = "personeel_vinden"
    loonkostensubsidie = "loonkostensubsidie"
    praktijkleren = "praktijkleren"
    hulp_schulden_zorg = "hulp_schulden_zorg"
    aanpassing_werkplek = "aanpassing_werkplek"
    inkomen = "inkomen"


class Kenmerk(str, Enum):
    """A trait of the person (or, for a werkgever, of the employee) that some regelingen are meant for."""

    arbeidsbeperking = "arbeidsbeperking"
    doelgroepregister = "doelgroepregister"  # in, or a candidate for, the doelgroep banenafspraak
    zware_ondersteuning = "zware_ondersteuning"  # can only work with a lot of support (beschut werk)
    ziek = "ziek"
    psychische_klachten = "psychische_klachten"
    zzp = "zzp"  # works for themselves: no werkgever to apply for them
    ontslag = "ontslag"  # (is about to be) dismissed, a reorganisation, a contract that ends


class Arrangeur(str, Enum):
    """Slot `arrangeur` (docs/contracts.md)."""

    uwv = "uwv"
    gemeente = "gemeente"
    sociale_partners = "sociale_partners"
    werkgeversservicepunt = "werkgeversservicepunt"


class Reden(str, Enum):
    """Why a conversation went to a medewerker (`reden` of POST /internal/handoffs)."""

    gevraagd = "gevraagd"
    crisis = "crisis"
    frustratie = "frustratie"
    niet_begrepen = "niet_begrepen"
    storing = "storing"  # the bridge's own "vraag achterlaten" while the bot is down


def _values(enum: Type[Enum]) -> Tuple[str, ...]:
    return tuple(member.value for member in enum)


# Plain tuples for code that compares strings (the action server, slot validation).
ROLLEN = _values(Rol)
UITKERINGEN = _values(Uitkering)
SECTOREN = _values(Sector)
BEHOEFTEN = _values(Behoefte)
ARRANGEURS = _values(Arrangeur)
KENMERKEN = _values(Kenmerk)
REDENEN = _values(Reden)
SLOT_VALUES: Dict[str, Tuple[str, ...]] = {
    "rol": ROLLEN,
    "uitkering": UITKERINGEN,
    "sector": SECTOREN,
    "behoefte": BEHOEFTEN,
    "arrangeur": ARRANGEURS,
}

# Conversation status in GET /api/conversations/{id} and the live `status` event.
STATUSES = ("bot", "wacht_op_medewerker", "medewerker", "gesloten")

# The facts the intake asks for, in the order of the handoff's `intake` object.
INTAKE_SLOTS = ("rol", "uitkering", "gemeente", "arbeidsmarktregio", "sector", "behoefte")
# The slots copied into POST /internal/handoffs' `intake` (then `regelingen` and `contact`).
HANDOFF_INTAKE_SLOTS = INTAKE_SLOTS + ("arrangeur",)
