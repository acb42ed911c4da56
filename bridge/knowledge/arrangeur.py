"""Arrangeur rules (Kamerbrief 33566 nr. 108): who is responsible for helping this person, and why.

Order matters and follows the letter: a current benefit outranks work status; werkenden without a
benefit belong to the sociale partners; employers go to the Werkgeversservicepunt of their region.
Where the intake cannot settle it, the decision names the single slot to ask for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Arrangeur, Loket, Rol, Uitkering
from bridge.knowledge.regios import Plaats, resolve_gemeente
from bridge.knowledge.text import normalise

UWV_URL = "https://www.uwv.nl"


@dataclass(frozen=True)
class Signalen:
    """Extra facts read from the free-text description (`tekst`)."""

    ziektewet: bool = False
    zzp: bool = False
    bbz: bool = False
    aanvullende_bijstand: bool = False
    geen_werkgever: bool = False
    rol: Rol | None = None
    uitkering: Uitkering | None = None


@dataclass(frozen=True)
class Situatie:
    """The intake after merging slots and text signals; the input of the rules table."""

    rol: Rol | None = None
    uitkering: Uitkering | None = None
    signalen: Signalen = field(default_factory=Signalen)


@dataclass(frozen=True)
class Besluit:
    """Outcome of the rules: arrangeur (or None), Dutch explanation, missing slot, loket."""

    arrangeur: Arrangeur | None
    uitleg: str
    ontbreekt: list[str]
    loket: dict[str, object] | None


# --- signals from text: keyword patterns on normalised text (accents and punctuation removed) ---
_P = {
    "bbz": r"\bbbz\b|bijstand(?:sverlening)? (?:voor|aan) zelfstandigen",
    "aanvullende_bijstand": r"\baanvullende bijstand|\bbijstand als aanvulling|\baanvulling (?:uit|vanuit|van) de bijstand"
    r"|\baanvullen met bijstand|\bbijstand erbij\b",
    "ziektewet": r"\bziektewet\b|\bzw uitkering\b|\bziek uit dienst\b",
    "zzp": r"\bzzp(?: ?er|ers)?\b|\bzelfstandige?\b|\bfreelancer?\b|\bzelfstandig ondernemer\b",
    "geen_werkgever": r"\bgeen werkgever\b|\bzonder werkgever\b|\buit dienst\b|\bcontract (?:is )?(?:afgelopen|"
    r"niet verlengd|beeindigd|gestopt)\b|\bontslagen\b|\bwerkloos\b",
}
_UITKERING_P: list[tuple[Uitkering, str]] = [
    (Uitkering.wajong, r"\bwajong\w*"),
    (Uitkering.wia, r"\bwia\b|\bwga\b|\biva\b|\barbeidsongeschikt"),
    (Uitkering.ww, r"\bww\b|\bww uitkering\b|\bwerkloosheidsuitkering\b|\bwerkloosheidswet\b"),
    (Uitkering.bijstand, r"\bbijstand\w*|\bparticipatiewet\b"),
    (Uitkering.geen, r"\bgeen uitkering\b|\bzonder uitkering\b"),
]
_ROL_P: list[tuple[Rol, str]] = [
    (Rol.werkgever, r"\bwerkgever\b(?! is)|\bmijn (?:werknemer|werknemers|medewerker|medewerkers|personeel)\b"
     r"|\bpersoneel (?:zoeken|nodig|aannemen)\b|\biemand (?:aannemen|in dienst nemen)\b"),
    (Rol.werkzoekende, r"\bwerkloos\b|\bik zoek (?:werk|een baan)\b|\bgeen werk\b|\bzonder werk\b|\bop zoek naar (?:werk|een baan)\b"),
    (Rol.werkende, r"\bik werk\b|\bik heb (?:een )?(?:baan|werk)\b|\bmijn werkgever\b|\bin loondienst\b|\bin dienst\b"),
]


def lees_signalen(tekst: str | None) -> Signalen:
    """Detect Ziektewet, zzp, Bbz, aanvullende bijstand and rol/uitkering words in `tekst`."""
    if not tekst:
        return Signalen()
    t = normalise(tekst)
    found = {name: bool(re.search(pattern, t)) for name, pattern in _P.items()}
    uitkering = next((u for u, p in _UITKERING_P if re.search(p, t)), None)
    rol = next((r for r, p in _ROL_P if re.search(p, t)), None)
    return Signalen(rol=rol, uitkering=uitkering, **found)


def situatie(rol: Rol | None, uitkering: Uitkering | None, tekst: str | None) -> Situatie:
    """Merge slots with text signals; slots win, except where the text is more specific."""
    s = lees_signalen(tekst)
    rol = rol or s.rol
    uitkering = uitkering or s.uitkering
    if s.aanvullende_bijstand:
        # "Aanvullende bijstand" means: working, with bijstand on top of the wage.
        uitkering, rol = Uitkering.bijstand, rol or Rol.werkende
    if s.zzp and rol is None:
        rol = Rol.werkende
    if s.bbz:
        uitkering = Uitkering.bijstand
    if s.ziektewet and s.geen_werkgever and rol is None:
        rol = Rol.werkzoekende
    return Situatie(rol=rol, uitkering=uitkering, signalen=s)


# --- the rules table: (condition, arrangeur or None, uitleg, ontbreekt), first match wins ---
Conditie = Callable[[Situatie], bool]
A = Arrangeur
RULES: list[tuple[Conditie, Arrangeur | None, str, str | None]] = [
    (lambda s: s.rol is Rol.werkgever, A.werkgeversservicepunt,
     "Omdat u werkgever bent, helpt het Werkgeversservicepunt in uw regio u verder. Daar werken UWV en gemeenten samen voor werkgevers.", None),
    (lambda s: s.signalen.bbz, A.gemeente,
     "Omdat u als zelfstandige een Bbz-uitkering heeft of nodig heeft, helpt uw gemeente u verder.", None),
    (lambda s: s.uitkering is Uitkering.bijstand and (s.rol is Rol.werkende or s.signalen.aanvullende_bijstand), A.gemeente,
     "Omdat u naast uw werk aanvullende bijstand heeft, helpt uw gemeente u verder.", None),
    (lambda s: s.uitkering is Uitkering.bijstand, A.gemeente,
     "Omdat u een bijstandsuitkering heeft, helpt uw gemeente u verder.", None),
    (lambda s: s.uitkering is Uitkering.ww, A.uwv, "Omdat u een WW-uitkering heeft, helpt UWV u verder.", None),
    (lambda s: s.uitkering is Uitkering.wia, A.uwv, "Omdat u een WIA-uitkering heeft, helpt UWV u verder.", None),
    (lambda s: s.uitkering is Uitkering.wajong, A.uwv, "Omdat u een Wajong-uitkering heeft, helpt UWV u verder.", None),
    (lambda s: s.signalen.ziektewet and (s.rol is Rol.werkzoekende or s.signalen.geen_werkgever), A.uwv,
     "Omdat u ziek bent en geen werkgever meer heeft (Ziektewet), helpt UWV u verder.", None),
    (lambda s: s.signalen.ziektewet and s.rol is Rol.werkende, A.sociale_partners,
     "Omdat u ziek bent en nog in dienst bent, helpen uw werkgever en de bedrijfsarts u terug naar werk. "
     "Uw cao en het O&O-fonds van uw sector kunnen daarbij helpen.", None),
    (lambda s: s.signalen.ziektewet, None,
     "Ik wil weten wie u het beste helpt. Heeft u op dit moment nog een werkgever, of bent u uit dienst?", "rol"),
    (lambda s: s.signalen.zzp and s.uitkering is Uitkering.geen, A.sociale_partners,
     "Omdat u als zelfstandige werkt en geen uitkering heeft, valt u onder de sociale partners. Als zzp'er heeft u "
     "meestal geen werkgever of O&O-fonds; het Werkcentrum of leerwerkloket in uw regio is dan uw eerste ingang.", None),
    (lambda s: s.rol is Rol.werkende and s.uitkering is Uitkering.geen, A.sociale_partners,
     "Omdat u werkt en geen uitkering heeft, zijn uw werkgever en de sociale partners aan zet: denk aan uw cao, "
     "het O&O-fonds van uw sector of de vakbond. Het leerwerkloket of Werkcentrum in uw regio helpt u op weg.", None),
    (lambda s: s.rol is Rol.werkzoekende and s.uitkering is Uitkering.geen, A.gemeente,
     "Omdat u geen werk en geen uitkering heeft, helpt uw gemeente u verder.", None),
    (lambda s: s.rol is Rol.werkende, None,
     "Ik wil weten wie u het beste helpt. Heeft u naast uw werk een uitkering, zoals WW of aanvullende bijstand?", "uitkering"),
    (lambda s: s.rol is Rol.werkzoekende, None,
     "Ik wil weten wie u het beste helpt. Heeft u een uitkering, zoals WW, WIA, Wajong of bijstand?", "uitkering"),
    (lambda s: True, None,
     "Ik wil weten wie u het beste helpt. Werkt u op dit moment, zoekt u werk, of bent u werkgever?", "rol"),
]


def _loket(kb: KnowledgeBase, arrangeur: Arrangeur, plaats: Plaats | None) -> dict[str, object] | None:
    """The desk to go to; organisation names match the handoff queues of the bridge."""
    regio = plaats.regio if plaats else None
    basis: dict[str, object] = {
        "gemeente": plaats.gemeente if plaats else None,
        "arbeidsmarktregio": regio.naam if regio else None,
        "arbeidsmarktregio_code": regio.code if regio else None,
        "zoek_via": kb.zoek_via,
        "werkcentrum": regio.werkcentrum.model_dump() if regio else None,
    }
    if arrangeur is Arrangeur.uwv:
        return {"organisatie": "UWV", "soort": "uwv", "url": UWV_URL, "bron": None,
                "toelichting": "Neem contact op met UWV via uwv.nl of werk.nl.", **basis}
    if plaats is None or regio is None:
        return None
    if arrangeur is Arrangeur.gemeente:
        return {"organisatie": f"Gemeente {plaats.gemeente}", "soort": "gemeente", "url": None, "bron": None,
                "toelichting": f"Neem contact op met de afdeling werk en inkomen van de gemeente {plaats.gemeente}.",
                **basis}
    if arrangeur is Arrangeur.werkgeversservicepunt:
        return _from_loket("werkgeversservicepunt", regio.werkgeversservicepunt, regio.werkgeversservicepunt.naam, basis)
    desk = regio.leerwerkloket or regio.werkcentrum
    return _from_loket("sociale_partners", desk, f"Sociale partners / Leerwerkloket {regio.naam}", basis)


def _from_loket(soort: str, loket: Loket, organisatie: str, basis: dict[str, object]) -> dict[str, object]:
    return {"organisatie": organisatie, "soort": soort, "naam": loket.naam, "url": loket.url, "bron": loket.bron,
            "toelichting": loket.opmerking, **basis}


def bepaal_arrangeur(
    kb: KnowledgeBase,
    rol: Rol | None = None,
    uitkering: Uitkering | None = None,
    gemeente: str | None = None,
    tekst: str | None = None,
) -> Besluit:
    """Apply the rules table to the intake and attach the regional loket."""
    s = situatie(rol, uitkering, tekst)
    arrangeur, uitleg, vraag = next((a, u, o) for cond, a, u, o in RULES if cond(s))
    if arrangeur is None:
        return Besluit(None, uitleg, [vraag] if vraag else [], None)
    plaats = resolve_gemeente(kb, gemeente)
    loket = _loket(kb, arrangeur, plaats)
    ontbreekt: list[str] = []
    if loket is None:
        # The arrangeur is settled; only the place of the loket is still open.
        ontbreekt = ["gemeente"]
        onbekend = f" Ik ken de plaats '{gemeente}' niet." if gemeente else ""
        uitleg = f"{uitleg}{onbekend} In welke gemeente woont u (of zit uw bedrijf)? Dan noem ik het loket bij u in de buurt."
    return Besluit(arrangeur, uitleg, ontbreekt, loket)


__all__ = ["Besluit", "RULES", "Signalen", "Situatie", "bepaal_arrangeur", "lees_signalen", "situatie"]
