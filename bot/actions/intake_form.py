"""The intake_form: which questions per rol, reading bare answers, and the gemeente question."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.intake import (
    ANSWER_INTENTS,
    gemeente_slots,
    lookup_gemeente,
    normalise_behoefte,
    normalise_sector,
    normalise_uitkering,
    required_intake_slots,
)
from bot.actions.slot_mappings import ContractSlotValidators, latest_intent, latest_text

# Bookkeeping slots the form's extract_* methods set besides the required ones.
_HULP_SLOTS = ("arbeidsmarktregio", "gemeente_keuzes", "gemeente_pogingen", "gemeente_overgeslagen")


def _has_entity(tracker: Tracker, entity: str) -> bool:
    """Whether the NLU found this entity in the latest message."""
    return any(e.get("entity") == entity for e in tracker.latest_message.get("entities") or [])


def _bare_answer(tracker: Tracker, slot: str, entity: str, also: frozenset = frozenset()) -> str:
    """The latest text when it may be read as a typed answer to the question for `slot` (intents in
    `also` count as answers too)."""
    if tracker.get_slot("requested_slot") != slot or _has_entity(tracker, entity):
        return ""
    text = latest_text(tracker)
    if text.startswith("/") or latest_intent(tracker) not in ANSWER_INTENTS | also:
        return ""
    return text


class ValidateIntakeForm(ContractSlotValidators, FormValidationAction):
    """Asks only what is missing, in an order that fits the rol."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """rol first; then the questions for that rol (gemeente may be skipped)."""
        return required_intake_slots(tracker.get_slot("rol"), bool(tracker.get_slot("gemeente_overgeslagen")))

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Also return the bookkeeping slots, which the base class drops as not required."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        already = {event.get("name") for event in events}
        for name, value in tracker.slots_to_validate().items():
            if name in _HULP_SLOTS and name not in already:
                events.append(SlotSet(name, value))
        return events

    async def extract_uitkering(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """'nee' or 'geen' to the uitkering question means no benefit."""
        if tracker.get_slot("requested_slot") != "uitkering" or _has_entity(tracker, "uitkering"):
            return {}
        if latest_intent(tracker) == "deny":
            return {"uitkering": "geen"}
        value = normalise_uitkering(_bare_answer(tracker, "uitkering", "uitkering"))
        return {"uitkering": value} if value else {}

    async def extract_gemeente(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A bare place name, a choice, or 'sla over' as answer to the gemeente question."""
        if tracker.get_slot("requested_slot") != "gemeente" or _has_entity(tracker, "gemeente"):
            return {}
        if latest_intent(tracker) == "deny":
            return {"gemeente_overgeslagen": True, "gemeente_keuzes": None}
        text = _bare_answer(tracker, "gemeente", "gemeente")
        if not text:
            return {}
        candidates = lookup_gemeente(text)
        if candidates:
            return gemeente_slots(candidates)
        pogingen = float(tracker.get_slot("gemeente_pogingen") or 0) + 1
        return {"gemeente_pogingen": pogingen, "gemeente_keuzes": None}

    async def extract_sector(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A typed sector word such as 'zorg' or 'logistiek'."""
        value = normalise_sector(_bare_answer(tracker, "sector", "sector"))
        return {"sector": value} if value else {}

    async def extract_behoefte(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A typed need such as 'een cursus' or 'personeel'; "loonkostensubsidie" answers the question
        too, even when DIET reads it as a question about that regeling."""
        value = normalise_behoefte(_bare_answer(tracker, "behoefte", "behoefte", also=frozenset({"ask_regeling"})))
        return {"behoefte": value} if value else {}


class ActionAskGemeente(Action):
    """Asks for the gemeente: plain, with a choice of candidates, or with a skip button."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_ask_gemeente"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Pick the question that fits what went before."""
        keuzes = tracker.get_slot("gemeente_keuzes") or []
        pogingen = float(tracker.get_slot("gemeente_pogingen") or 0)
        if keuzes:
            buttons = [
                {"title": naam, "payload": "/inform" + json.dumps({"gemeente": naam}, ensure_ascii=False)}
                for naam in keuzes
            ]
            dispatcher.utter_message(response="utter_kies_gemeente", buttons=buttons)
        elif pogingen >= 2:
            dispatcher.utter_message(response="utter_gemeente_overslaan")
        elif pogingen >= 1:
            dispatcher.utter_message(response="utter_gemeente_onbekend")
        else:
            dispatcher.utter_message(response="utter_ask_gemeente")
        return []
