"""Rasa 3.6 NLU component: the writer's rol, decided on every message whatever its intent.

Runs last in the pipeline (after DIET, the gazetteer and the fallback classifier). It adds an
entity `rol` when bot.nlp.rol.decide is sure, so the `rol` slot fills from a question about a
regeling or the rekenhulp too; it aligns the inform_<rol> intents with that decision (a long
story that fell to nlu_fallback but says "wij zoeken personeel" starts the intake as a werkgever;
a guessed inform_werkgever without cues becomes `inform`, so the intake asks); and it keeps only
the uitkering and sector that are the writer's own (bot/nlp/eigenaar.py): not an employer's
candidate with Wajong, not the bijstand someone asks about, not a werkzoekende's former job.
The model behind the cues is trained by `rasa train` on the NLU examples (metadata `rol`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import eigenaar
from bot.nlp import rol as rol_rules
from bot.nlp.gazetteer_extractor import set_intent

EXTRACTOR = "RolClassifier"
ROLE_INTENTS = {f"inform_{r}": r for r in rol_rules.ROLLEN}
# Intents a decided rol turns into inform_<rol>: they only state facts, or were not understood.
RETARGETED = set(ROLE_INTENTS) | {"inform", "nlu_fallback", "greet", "affirm"}
# An out_of_scope this sure, without a single rol cue, is not ours to triage (spam, toeslagen).
OUT_OF_SCOPE_SURE = 0.7
# Cues that only say the writer owns a business, not that they ask about work.
OWNING_ONLY = frozenset({"bedrijf", "ons_bedrijf"})
# Intents that steer the dialogue: without a rol cue the model's guess would only disturb it.
CONTROL_INTENTS = {
    "request_medewerker",
    "show_more",
    "go_back",
    "restart",
    "stop",
    "goodbye",
    "thank",
    "deny",
    "express_frustration",
}
_MODEL_FILE = "rol_model.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RolClassifier(GraphComponent):
    """Decides the writer's rol (see bot/nlp/rol.py) and makes intent and entities agree with it."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, model: Any = None) -> None:
        """Keep where to persist and the fitted model (None before training)."""
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RolClassifier":
        """An untrained component."""
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on every NLU example with a rol label and persist it."""
        import joblib

        pairs = rol_rules.training_pairs(
            (m.get(TEXT), m.get(INTENT), (m.get(METADATA) or {}).get(METADATA_EXAMPLE))
            for m in training_data.intent_examples
        )
        self._model = rol_rules.build_model([t for t, _ in pairs], [label for _, label in pairs])
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RolClassifier":
        """The persisted model (none when training skipped this component)."""
        import joblib

        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / _MODEL_FILE)
        except (ValueError, FileNotFoundError):
            model = None
        return cls(model_storage, resource, model)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Decide the rol of each message and align its intent and entities."""
        for message in messages:
            text = message.get(TEXT)
            if text and not text.startswith("/"):
                self._process_one(message, text)
        return messages

    def _process_one(self, message: Message, text: str) -> None:
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        entities: List[Dict[Text, Any]] = list(message.get(ENTITIES) or [])
        cues = rol_rules.find_cues(text)
        if name == "out_of_scope" and confidence >= OUT_OF_SCOPE_SURE and not cues - OWNING_ONLY:
            # "een parkeervergunning voor mijn bedrijfsbus": owning a business makes no work question
            return
        for_someone_else = "ander_persoon" in cues
        uitkeringen = [e for e in entities if e.get("entity") == "uitkering"]
        eigen = eigenaar.current_uitkering(text, uitkeringen, for_someone_else)
        if name in CONTROL_INTENTS and not cues and not (eigen and eigen.get("value") in rol_rules.BENEFITS):
            # "ik wil een medewerker spreken" steers the dialogue; the model must not add a rol. A story
            # DIET took for a goodbye ("Goedemiddag, ik zit in de ww en wil ...") still names a benefit.
            return
        probs = rol_rules.model_probs(self._model, text) if self._model is not None else None
        hint = (ROLE_INTENTS[name], confidence) if name in ROLE_INTENTS else None
        decision = rol_rules.decide(text, [str(eigen["value"])] if eigen else [], probs, hint, cues)
        entities = eigenaar.own_facts(text, entities, decision.rol, decision.eigen_uitkering, for_someone_else)
        if decision.rol is not None:
            entities.append(_rol_entity(decision.rol, text, decision.reden))
            unnamed_regeling = name == "ask_regeling" and not any(e.get("entity") == "regeling" for e in entities)
            if name in RETARGETED or name is None or unnamed_regeling:
                # "ik zit in de ww, welke subsidies zijn er?": the intake finds them, not "welke regeling?"
                set_intent(message, f"inform_{decision.rol}")
        elif name in ROLE_INTENTS:
            set_intent(message, "inform")  # a guessed rol is worse than the question
        message.set(ENTITIES, entities, add_to_output=True)


def _rol_entity(rol: str, text: str, reden: str) -> Dict[Text, Any]:
    return {
        "entity": "rol",
        "value": rol,
        "start": 0,
        "end": len(text),
        "confidence": 1.0,
        "extractor": EXTRACTOR,
        "reden": reden,
    }


__all__ = ["RolClassifier"]
