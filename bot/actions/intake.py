"""Pure helpers for the intake: slot values, the questions per rol, gemeente lookup, keyword fallbacks."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence

import contract

# The canonical values and the intake's slots are the contract's (contract/); re-exported for the actions.
ROLLEN = contract.ROLLEN
UITKERINGEN = contract.UITKERINGEN
SECTOREN = contract.SECTOREN
BEHOEFTEN = contract.BEHOEFTEN
INTAKE_SLOTS = contract.INTAKE_SLOTS

# Which intake questions each rol gets, in the order asked.
VRAGEN_PER_ROL: Mapping[str, Sequence[str]] = {
    "werkzoekende": ("uitkering", "gemeente", "behoefte"),
    # A werkende's benefit (aanvullende bijstand, part WIA) decides the arrangeur: asked in the form,
    # so "nee" is an answer and not a stray reply after the advice.
    "werkende": ("sector", "behoefte", "uitkering", "gemeente"),
    "werkgever": ("gemeente", "sector", "behoefte"),
}

# Intents whose text may be read as a bare answer to the question asked.
ANSWER_INTENTS = frozenset(
    {"inform", "inform_werkende", "inform_werkzoekende", "inform_werkgever", "nlu_fallback", "affirm"}
)

_UITKERING_WORDS = {
    "ww": "ww",
    "werkloosheidswet": "ww",
    "werkloosheidsuitkering": "ww",
    "wia": "wia",
    "wga": "wia",
    "iva": "wia",
    "wao": "wia",
    "wajong": "wajong",
    "bijstand": "bijstand",
    "bijstandsuitkering": "bijstand",
    "aanvullende bijstand": "bijstand",
    "participatiewet": "bijstand",
    "geen": "geen",
    "geen uitkering": "geen",
    "nee": "geen",
}

# Small safety net for typed answers to the sector question; the NLU model does the
# real work, this only catches the button words typed by hand.
_SECTOR_WORDS = {
    "zorg": "zorg",
    "welzijn": "zorg",
    "verpleging": "zorg",
    "thuiszorg": "zorg",
    "ziekenhuis": "zorg",
    "techniek": "techniek",
    "technisch": "techniek",
    "bouw": "bouw",
    "horeca": "horeca",
    "restaurant": "horeca",
    "transport": "transport_logistiek",
    "logistiek": "transport_logistiek",
    "ict": "ict",
    "it": "ict",
    "onderwijs": "onderwijs",
    "school": "onderwijs",
    "detailhandel": "detailhandel",
    "winkel": "detailhandel",
    "retail": "detailhandel",
    "schoonmaak": "schoonmaak",
    "metaal": "metaal",
    "metalektro": "metaal",
    "installatie": "installatie",
    "installatietechniek": "installatie",
    "kinderopvang": "kinderopvang",
    "overheid": "overheid",
    "gemeente": "overheid",
    "landbouw": "landbouw",
    "agrarisch": "landbouw",
    "tuinbouw": "landbouw",
    "zakelijke dienstverlening": "zakelijke_dienstverlening",
    "kantoor": "zakelijke_dienstverlening",
    "uitzendwerk": "uitzend",
    "uitzendbureau": "uitzend",
    "uitzend": "uitzend",
}

_BEHOEFTE_WORDS = {
    "opleiding": "scholing",
    "cursus": "scholing",
    "scholing": "scholing",
    "omscholen": "scholing",
    "omscholing": "scholing",
    "leren": "scholing",
    "ander werk": "ander_werk",
    "ander beroep": "ander_werk",
    "overstappen": "ander_werk",
    "werk vinden": "werk_vinden",
    "baan vinden": "werk_vinden",
    "werk zoeken": "werk_vinden",
    "ontslag": "ontslag_dreigt",
    "reorganisatie": "ontslag_dreigt",
    "baan in gevaar": "ontslag_dreigt",
    "personeel": "personeel_vinden",
    "medewerkers vinden": "personeel_vinden",
    "loonkostensubsidie": "loonkostensubsidie",
    "subsidie": "loonkostensubsidie",
    "praktijk": "praktijkleren",
    "bbl": "praktijkleren",
    "leerbaan": "praktijkleren",
    "schulden": "hulp_schulden_zorg",
    "schuld": "hulp_schulden_zorg",
    "werkplek": "aanpassing_werkplek",
    "aanpassing": "aanpassing_werkplek",
    "voorziening": "aanpassing_werkplek",
    "inkomen": "inkomen",
    "uitkering": "inkomen",
    "geld": "inkomen",
}


def _words(text: str) -> str:
    """Lowercase text with single spaces, for keyword lookups."""
    return " " + re.sub(r"[^\w'-]+", " ", text.lower()).strip() + " "


def _keyword(text: str, table: Mapping[str, str]) -> Optional[str]:
    """The value of the longest table key that occurs as whole words in text."""
    padded = _words(text)
    for key in sorted(table, key=len, reverse=True):
        if f" {key} " in padded:
            return table[key]
    return None


def normalise_value(
    value: Any, allowed: Sequence[str], synonyms: Mapping[str, str], entity: Optional[str] = None
) -> Optional[str]:
    """Map an entity value to an allowed slot value, or None when it is not one; a typed answer
    ("mijn baan is in gevaar") is looked up in the lexicon (bot/lexicons) when the table misses."""
    if value is None:
        return None
    if isinstance(value, list):
        value = value[-1] if value else None
        if value is None:
            return None
    text = str(value).strip()
    if text.lower() in allowed:
        return text.lower()
    if text.replace(" ", "_").lower() in allowed:
        return text.replace(" ", "_").lower()
    found = _keyword(text, synonyms)
    if found is None and entity is not None:
        from bot.nlp.lexicon import find_terms  # the action server's only NLU import

        values = {match.value for match in find_terms(text, (entity,))}
        found = values.pop() if len(values) == 1 else None
    return found


def normalise_uitkering(value: Any) -> Optional[str]:
    """An uitkering slot value (ww/wia/wajong/bijstand/geen) or None."""
    return normalise_value(value, UITKERINGEN, _UITKERING_WORDS, "uitkering")


def normalise_sector(value: Any) -> Optional[str]:
    """A sector slot value or None."""
    return normalise_value(value, SECTOREN, _SECTOR_WORDS, "sector")


def normalise_behoefte(value: Any) -> Optional[str]:
    """A behoefte slot value or None."""
    return normalise_value(value, BEHOEFTEN, _BEHOEFTE_WORDS, "behoefte")


def required_intake_slots(rol: Optional[str], gemeente_overgeslagen: bool) -> List[str]:
    """The intake questions for this rol, in order; rol itself first when unknown."""
    if rol is None or rol not in VRAGEN_PER_ROL:
        return ["rol"]
    vragen = list(VRAGEN_PER_ROL[rol])
    if gemeente_overgeslagen:
        vragen.remove("gemeente")
    return ["rol"] + vragen


def lookup_gemeente(text: str) -> List[Any]:
    """Candidate gemeenten (knowledge.places.Gemeente) for a name or a short sentence."""
    # Imported here so importing the actions package stays cheap and side-effect free.
    from knowledge.places import find_places, gemeente_by_name, resolve_place

    text = (text or "").strip()
    if not text:
        return []
    exact = gemeente_by_name(text)
    if exact is not None:
        return [exact]
    candidates = resolve_place(text)
    if candidates:
        return list(candidates)
    matches = [match for match in find_places(text) if match.candidates]
    # The last place named wins: "niet Almere maar Lelystad".
    return list(matches[-1].candidates) if matches else []


def gemeente_slots(candidates: Sequence[Any]) -> Dict[str, Any]:
    """Slot values for a gemeente lookup: set it when sure, offer choices when several fit."""
    if len(candidates) == 1:
        gemeente = candidates[0]
        return {
            "gemeente": gemeente.naam,
            "arbeidsmarktregio": gemeente.arbeidsmarktregio,
            "gemeente_keuzes": None,
            "gemeente_pogingen": 0.0,
        }
    if candidates:
        return {
            "gemeente": None,
            "arbeidsmarktregio": None,
            "gemeente_keuzes": [gemeente.naam for gemeente in candidates],
        }
    return {"gemeente": None, "arbeidsmarktregio": None, "gemeente_keuzes": None}


def intake_from_slots(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The intake's facts as the bridge expects them (missing values are None); the handoff adds the rest."""
    return {name: slots.get(name) for name in INTAKE_SLOTS}
