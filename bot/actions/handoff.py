"""Hand the conversation to a medewerker: POST /internal/handoffs with the intake."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.base import BridgeAction
from bot.actions.bridge_client import BridgeUnavailable, NotFound
from bot.actions.intake import intake_from_slots

_REDEN_PER_INTENT = {
    "inform_crisis": "crisis",
    "express_frustration": "frustratie",
    "nlu_fallback": "niet_begrepen",
}


def user_intents(tracker: Tracker) -> List[Optional[str]]:
    """Intents of the user messages, oldest first."""
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]


def handoff_reden(tracker: Tracker) -> str:
    """gevraagd | crisis | frustratie | niet_begrepen, from what led to the handoff."""
    intents = user_intents(tracker)
    latest = intents[-1] if intents else None
    if latest in _REDEN_PER_INTENT:
        return _REDEN_PER_INTENT[latest]
    # Accepting the offer made after two misunderstandings counts as niet_begrepen.
    if tracker.get_slot("fallback_aanbod") or intents[-3:-1] == ["nlu_fallback", "nlu_fallback"]:
        return "niet_begrepen"
    return "gevraagd"


def handoff_payload(tracker: Tracker) -> Dict[str, Any]:
    """The body of POST /internal/handoffs (docs/contracts.md)."""
    intake = intake_from_slots(tracker.slots)
    intake["arrangeur"] = tracker.get_slot("arrangeur")
    intake["regelingen"] = list(tracker.get_slot("regelingen") or [])
    intake["contact"] = None
    return {
        "conversation_id": tracker.sender_id,
        "reden": handoff_reden(tracker),
        "intake": intake,
    }


class ActionHandoff(BridgeAction):
    """Creates a handoff case and tells the person which team will answer here."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Post the case; on failure say so plainly."""
        try:
            result = await self.bridge.create_handoff(handoff_payload(tracker))
        except (BridgeUnavailable, NotFound):
            dispatcher.utter_message(response="utter_handoff_mislukt")
            return [SlotSet("fallback_aanbod", False)]
        queue = result.get("queue") or "het team"
        dispatcher.utter_message(response="utter_handoff_bevestigd", queue=queue)
        return [SlotSet("fallback_aanbod", False)]
