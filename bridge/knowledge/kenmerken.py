"""Traits (kenmerken) of a person's situation, read from the intake and from their own words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bridge.knowledge.models import Behoefte, Kenmerk, Uitkering
from bridge.knowledge.text import normalise

# Cues over normalised text (lower case, no accents, punctuation as spaces). Word starts are anchored
# so "ziekenhuis" is not "ziek"; endings are listed where Dutch adds them.
_CUES: dict[Kenmerk, tuple[str, ...]] = {
    Kenmerk.arbeidsbeperking: (
        r"(arbeids)?beperking(en)?",
        r"(arbeids)?gehandicapt(e|en)?",
        r"handicap",
        r"chronisch ziek(e)?",
        r"autisme",
        r"autistisch(e)?",
        r"niet (het )?(volle )?minimumloon",
        r"loonwaarde",
        r"arbeidsvermogen",
        r"wajong(er|ers)?",
        r"lichamelijke klachten",
        r"slechtziend(e)?",
        r"doof|dove",
        r"rolstoel",
    ),
    Kenmerk.doelgroepregister: (
        r"doelgroepregister",
        r"banenafspraak",
        r"doelgroep banen",
        r"praktijkonderwijs",
        r"vso",
        r"speciaal (voortgezet )?onderwijs",
        r"entree(opleiding)?",
    ),
    Kenmerk.zware_ondersteuning: (
        r"beschut(te)?( werk| werkplek)?",
        r"(veel|intensieve|continue?|permanente|vaste) (begeleiding|ondersteuning|hulp|toezicht)",
        r"(altijd|steeds) (iemand|begeleiding)",
        r"veel hulp nodig",
    ),
    Kenmerk.ziek: (
        r"ziek",
        r"ziekgemeld",
        r"ziekmelding",
        r"zieke",
        r"arbeidsongeschikt(e|heid)?",
        r"verzuim",
        r"re integratie",
        r"ziektewet",
        r"burn ?out",
        r"herplaats(en|ing)",
    ),
    Kenmerk.psychische_klachten: (
        r"psychisch(e)?",
        r"ggz",
        r"depressie(f|ve)?",
        r"burn ?out",
        r"angststoornis",
        r"psychose",
        r"bipolair(e)?",
        r"schizofrenie",
    ),
    Kenmerk.zzp: (
        r"zzp(er|ers)?",
        r"zelfstandige zonder personeel",
        r"freelancer",
        r"eigen bedrijf(je)?",
        r"ondernemer",
    ),
    Kenmerk.ontslag: (
        r"ontslag(en)?",
        r"ontslaan",
        r"reorganisatie",
        r"boventallig(e)?",
        r"sociaal plan",
        r"contract (stopt|loopt af|wordt niet verlengd)",
        r"(baan|functie) (gaat|verdwijnt) (misschien )?(weg|verloren)",
        r"laten gaan",
    ),
}
_NEGATION = r"(?<!geen )(?<!niet )(?<!zonder )"
_PATTERNS = {kenmerk: re.compile(rf"\b{_NEGATION}(?:{'|'.join(cues)})\b") for kenmerk, cues in _CUES.items()}
# The intake alone already says something about the person: these benefits are for people who
# cannot (fully) work through illness or a disability, and these behoeften are about one.
_UITKERING_KENMERKEN = {Uitkering.wia: (Kenmerk.arbeidsbeperking,), Uitkering.wajong: (Kenmerk.arbeidsbeperking,)}
_BEHOEFTE_KENMERKEN = {
    Behoefte.loonkostensubsidie: (Kenmerk.arbeidsbeperking,),
    Behoefte.aanpassing_werkplek: (Kenmerk.arbeidsbeperking,),
    Behoefte.ontslag_dreigt: (Kenmerk.ontslag,),
}
# One trait implies another: who needs beschut werk, or is in the doelgroepregister, has an arbeidsbeperking.
_IMPLIES = {
    Kenmerk.zware_ondersteuning: (Kenmerk.arbeidsbeperking,),
    Kenmerk.doelgroepregister: (Kenmerk.arbeidsbeperking,),
}


def kenmerken_uit_tekst(tekst: str | None) -> set[Kenmerk]:
    """Traits the text mentions (not when negated: "geen beperking")."""
    text = normalise(tekst or "")
    return {kenmerk for kenmerk, pattern in _PATTERNS.items() if pattern.search(text)}


def kenmerken_van(
    *,
    uitkering: Uitkering | None = None,
    genoemd: Iterable[Kenmerk] = (),
    teksten: Iterable[str | None] = (),
) -> frozenset[Kenmerk]:
    """The traits a situation states: given ones, those read from the texts, and those the uitkering implies."""
    found = set(genoemd)
    for tekst in teksten:
        found |= kenmerken_uit_tekst(tekst)
    if uitkering is not None:
        found.update(_UITKERING_KENMERKEN.get(uitkering, ()))
    for kenmerk in list(found):
        found.update(_IMPLIES.get(kenmerk, ()))
    return frozenset(found)


def kenmerken_uit_behoefte(behoefte: Behoefte | None) -> frozenset[Kenmerk]:
    """Traits a behoefte takes for granted: asking for loonkostensubsidie is about an arbeidsbeperking.

    Kept apart from the stated traits: the behoefte already counts in the ranking, so these only keep a
    regeling for that trait from looking unfit; they earn it nothing extra.
    """
    return frozenset(_BEHOEFTE_KENMERKEN.get(behoefte, ())) if behoefte is not None else frozenset()
