"""Rasa 3.6 NLU component: a navigation intent needs its own words.

Starting over, stopping or going back throws answers away, so DIET's guess is not enough: "nieuw
werk" once read as `restart` ("opnieuw") and wiped a whole intake. A `restart`, `stop`, `go_back`
or `show_more` whose text has none of that intent's words becomes `inform` when the message
carries facts, else `nlu_fallback` (the dialogue then asks again instead of acting).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.gazetteer_extractor import set_intent
from knowledge.places import normalise

# Words (on normalised text) without which the intent is not believed.
NAVIGATION_WORDS = {
    # "opnieuw" alone or with beginnen/starten; not "moet ik dan opnieuw een opleiding doen?"
    "restart": re.compile(
        r"^\W*((helemaal|alles|graag) )?(opnieuw|overnieuw)\W*$|\b(vanaf|van) het begin\b|\b(opnieuw|overnieuw) (\w+ )?(beginnen|begin|starten|start)\b|"
        r"\b(begin|beginnen|start|starten) (\w+ ){0,2}(opnieuw|overnieuw)\b|"
        r"\b(herstart\w*|reset|restart|(nieuw|ander) gesprek|voren af aan|alles wissen)\b|^\W*(begin|beginnen)\W*$"
    ),
    "stop": re.compile(
        r"\b(stop\w*|hou op|laat maar|annuleer\w*|kappen|niet verder|einde|afbreken|niet meer nodig|klaar|genoeg)\b"
    ),
    "go_back": re.compile(r"\b(terug\w*|vorige|back)\b"),
    "show_more": re.compile(r"\b(meer|volgende|andere|rest|alles|nog een)\b"),
}


def guarded_intent(intent: str, text: str, has_facts: bool) -> str:
    """The intent to keep for this text: the same one, or inform / nlu_fallback."""
    words = NAVIGATION_WORDS.get(intent)
    if words is None or text.startswith("/") or words.search(normalise(text)):
        return intent
    return "inform" if has_facts else "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NavigationIntentGuard(GraphComponent):
    """Demotes restart/stop/go_back/show_more without their words (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NavigationIntentGuard":
        """Create the component (nothing to train or load)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Replace an unsupported navigation intent."""
        for message in messages:
            text = message.get(TEXT) or ""
            current = (message.get(INTENT) or {}).get("name")
            if not text or current not in NAVIGATION_WORDS:
                continue
            has_facts = bool(message.get(ENTITIES))
            name = guarded_intent(current, text, has_facts)
            if name != current:
                set_intent(message, name)
        return messages
