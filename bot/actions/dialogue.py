"""Conversation repair: the fallback (offer a medewerker after two misses) and going back."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Slots a person fills with an answer, so "terug" can undo the latest one.
_ANSWER_SLOTS = ("rol", "uitkering", "gemeente", "sector", "behoefte")
# Slots that belong to an answer and are cleared with it.
_CLEAR_WITH = {
    "gemeente": ("arbeidsmarktregio", "gemeente_keuzes"),
}


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood (nlu_fallback)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class ActionFallback(Action):
    """Says what the assistant can do; after two misses in a row, offers a medewerker."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Never guess a regeling here: explain, or offer a person."""
        if misunderstood_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_fallback_medewerker")
            return [SlotSet("fallback_aanbod", True)]
        dispatcher.utter_message(response="utter_default")
        return [SlotSet("fallback_aanbod", False)]


def last_answered_slot(tracker: Tracker) -> str:
    """The intake slot that was filled most recently before this message ('' if none)."""
    events = list(tracker.events)
    # Skip the "terug" message itself and everything after it.
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            events = events[:index]
            break
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("name") in _ANSWER_SLOTS and event.get("value"):
            if tracker.get_slot(event["name"]) is not None:
                return str(event["name"])
    return ""


class ActionGoBack(Action):
    """Undoes the latest answer so the form asks that question again."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Clear the most recently filled intake slot."""
        slot = last_answered_slot(tracker)
        if not slot:
            dispatcher.utter_message(response="utter_go_back_niets")
            return []
        cleared: Dict[str, Any] = {slot: None}
        for extra in _CLEAR_WITH.get(slot, ()):
            cleared[extra] = None
        dispatcher.utter_message(response="utter_go_back")
        return [SlotSet(name, value) for name, value in cleared.items()]
