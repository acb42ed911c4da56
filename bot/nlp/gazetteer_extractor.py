"""Rasa 3.6 NLU component: gazetteer entities with canonical contract values.

Runs after DIET and the EntitySynonymMapper. It adds `gemeente` (official CBS name, from
knowledge.places), `uitkering` and `sector` (from bot.nlp.lexicon), and canonicalises or drops
whatever DIET extracted for those entities, so every entity value is a valid slot value.
An ambiguous place ("Bergen") yields no `gemeente` entity: the dialogue asks (see
knowledge/README-places.md).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp import lexicon
from knowledge.places import PlaceMatch, find_places, normalise, resolve_place

EXTRACTOR = "GazetteerEntityExtractor"


def _overlaps(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    return int(a["start"]) < int(b["end"]) and int(b["start"]) < int(a["end"])


def canonical_entities(
    text: str,
    entities: List[Dict[Text, Any]],
    dictionary_entities: tuple = ("uitkering", "sector"),
    use_places: bool = True,
) -> List[Dict[Text, Any]]:
    """Merge DIET entities with gazetteer hits; every returned value is a contract value."""
    found: List[Dict[Text, Any]] = []
    if use_places:
        place = best_place(text)
        if place is not None and place.gemeente is not None:
            found.append(_entity("gemeente", place.gemeente.naam, place.start, place.end))
    for hit in lexicon.find_terms(text, tuple(dictionary_entities)):
        found.append(_entity(hit.entity, hit.value, hit.start, hit.end))

    kept: List[Dict[Text, Any]] = []
    for ent in entities:
        name = ent.get("entity")
        value = _canonical_value(str(name), ent, text)
        if value is None:
            continue  # a DIET span that maps to no contract value would fill a slot wrongly
        if any(f["entity"] == name for f in found) and name in (*dictionary_entities, "gemeente"):
            continue  # the dictionary is more precise than DIET for these entities
        if any(k["entity"] == name and k["value"] == value for k in kept + found):
            continue
        kept.append({**ent, "value": value})
    return sorted(kept + found, key=lambda e: (int(e["start"]), str(e["entity"])))


def best_place(text: str) -> Optional[PlaceMatch]:
    """The one gemeente a message gives: "ik woon in Best en werk in Eindhoven" is Best.

    A residence cue beats a preposition, which beats a bare name; a place one goes "naar" counts
    less than one lives "in"; an exact match beats a typo
    match; among equals the last one counts ("eerst Almere, nu Lelystad"). One entity only, so a
    word that happens to be a place never replaces the place the person named.
    """
    matches = [m for m in find_places(text) if m.gemeente is not None]
    if not matches:
        return None

    def where_to(match: PlaceMatch) -> bool:
        # "zit in Hoogeveen ... moet ik naar Groningen verhuizen?": a destination, not a home
        return match.cue < 2 and text[: match.start].lower().split()[-1:] == ["naar"]

    return max(enumerate(matches), key=lambda im: (im[1].cue, not where_to(im[1]), not im[1].fuzzy, im[0]))[1]


def _canonical_value(name: str, ent: Dict[Text, Any], text: str) -> Optional[str]:
    """Contract value for an extracted entity, or None when it maps to none (or several)."""
    value = ent.get("value")
    span = text[int(ent.get("start", 0)) : int(ent.get("end", 0))]
    if name == "gemeente":
        # Typo matching only for a bare answer ("rotterdm"): inside a sentence a word DIET took
        # for a place and a typo match put close to one is a false fill ("worden" → Woerden).
        fuzzy = span.strip() == text.strip()
        cands = resolve_place(str(value), fuzzy=fuzzy) if value else []
        if len(cands) != 1:
            cands = resolve_place(span, fuzzy=fuzzy)  # span text before synonym mapping
        return cands[0].naam if len(cands) == 1 else None
    if name in lexicon.VALUES:
        if value in lexicon.VALUES[name]:
            return str(value)
        return lexicon.canonical(name, str(value or "")) or lexicon.canonical(name, span)
    return str(value) if value is not None else None


def _entity(name: str, value: str, start: int, end: int) -> Dict[Text, Any]:
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": end,
        "confidence": 1.0,
        "extractor": EXTRACTOR,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Gemeente/uitkering/sector from gazetteers; canonicalises entities from other extractors."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Which entity types are matched by dictionary (the rest only canonicalised)."""
        return {"dictionary_entities": ["uitkering", "sector"], "places": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Store the config."""
        self._dictionary_entities = tuple(config.get("dictionary_entities") or ())
        self._places = bool(config.get("places", True))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GazetteerEntityExtractor":
        """Create the component (nothing to train or load)."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Replace each message's entities by canonical ones."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = canonical_entities(text, message.get(ENTITIES, []), self._dictionary_entities, self._places)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


# Words that may surround a bare fact ("nee, ik woon in Lelystad", "ik zit in de ww sinds maart").
# Not here on purpose: "heb", "wij", "wil", "bedrijf", "werk": they make a role statement.
_FILLER = {
    "nee",
    "neen",
    "ja",
    "jawel",
    "oke",
    "ok",
    "ik",
    "woon",
    "wonen",
    "woont",
    "woonachtig",
    "in",
    "de",
    "het",
    "een",
    "te",
    "uit",
    "kom",
    "gemeente",
    "woonplaats",
    "plaats",
    "stad",
    "dorp",
    "regio",
    "buurt",
    "omgeving",
    "van",
    "bedoel",
    "bedoelde",
    "niet",
    "maar",
    "sorry",
    "oeps",
    "eigenlijk",
    "dus",
    "graag",
    "denk",
    "nu",
    "al",
    "sinds",
    "toch",
    "hoor",
    "sector",
    "branche",
    "zit",
    "krijg",
    "ontvang",
    "mijn",
    "uitkering",
    "iets",
    "met",
    "bij",
    "op",
    "en",
    "of",
    "uwv",
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "vorig",
    "vorige",
    "jaar",
    "maand",
    "maanden",
    "week",
}
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
FACT_ENTITIES = ("gemeente", "uitkering", "sector", "behoefte")
ROLE_INTENTS = ("inform_werkende", "inform_werkzoekende", "inform_werkgever")


def is_fact_only(text: str, entities: List[Dict[Text, Any]]) -> bool:
    """True if the message says nothing beyond its gemeente/uitkering/sector/behoefte entities."""
    spans = [
        (int(e["start"]), int(e["end"]))
        for e in entities
        if e.get("entity") in FACT_ENTITIES and e.get("value") != "hulp_schulden_zorg"  # crisis stays
    ]
    if not spans:
        return False
    for m in _WORD_RE.finditer(text):
        if any(s <= m.start() and m.end() <= e for s, e in spans):
            continue
        word = normalise(m.group(0))
        if word in _FILLER or word.isdigit():
            continue
        if len(word) > 3 and resolve_place(word, fuzzy=False):
            continue  # a (negated) place: "niet Almere maar Lelystad"
        return False
    return True


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FactOnlyIntentClassifier(GraphComponent):
    """Sets intent `inform` for a bare answer ("Zoetermeer", "nee, in Spijkenisse", "ww").

    DIET cannot know all 2,800 place names; the gazetteer does. Runs after the
    GazetteerEntityExtractor and the FallbackClassifier.
    """

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FactOnlyIntentClassifier":
        """Create the component (nothing to train or load)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Override the intent of fact-only messages."""
        for message in messages:
            text = message.get(TEXT)
            if not text or not is_fact_only(text, message.get(ENTITIES, []) or []):
                continue
            current = message.get(INTENT) or {}
            if current.get("name") in ROLE_INTENTS and float(current.get("confidence") or 0) >= 0.5:
                continue  # "ik zit in de ww, woon in Almere en wil omscholen": keep the role
            set_intent(message, "inform")
        return messages


def set_intent(message: Message, name: str) -> None:
    """Give the message this intent (confidence 1.0), first in its ranking; used by every
    component that overrides DIET's intent."""
    intent = {"name": name, "confidence": 1.0}
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
