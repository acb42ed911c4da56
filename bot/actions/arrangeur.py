"""Who arranges the help: POST /api/arrangeur with the intake, then explain why."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.base import BridgeAction
from bot.actions.bridge_client import BridgeUnavailable

ARRANGEURS = ("uwv", "gemeente", "sociale_partners", "werkgeversservicepunt")
_MAX_TEKST = 1000
# The arrangeur's question for a missing answer, sent with answer buttons.
_VRAAG_RESPONSE = {
    "uitkering": "utter_arrangeur_vraag_uitkering",
    "rol": "utter_arrangeur_vraag_rol",
}


def user_texts(tracker: Tracker) -> str:
    """What the person typed this session (button payloads left out), for extra signals."""
    texts = [
        str(event.get("text") or "")
        for event in tracker.events
        if event.get("event") == "user" and not str(event.get("text") or "").startswith("/")
    ]
    return " ".join(text for text in texts if text)[:_MAX_TEKST]


def loket_text(loket: Any) -> Optional[str]:
    """One line for the regional loket: its name and, when known, its website."""
    if not isinstance(loket, Mapping):
        return None
    naam = loket.get("naam")
    if not naam:
        return None
    url = loket.get("url") or loket.get("website")
    return f"{naam} ({url})" if url else str(naam)


class ActionFindArrangeur(BridgeAction):
    """Sets `arrangeur` and tells the person who helps them further, and why."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_find_arrangeur"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Ask the bridge's arrangeur rules and show their explanation."""
        payload: Dict[str, Any] = {
            "rol": tracker.get_slot("rol"),
            "uitkering": tracker.get_slot("uitkering"),
            "gemeente": tracker.get_slot("gemeente"),
            "tekst": user_texts(tracker),
        }
        try:
            result = await self.bridge.find_arrangeur(payload)
        except BridgeUnavailable:
            dispatcher.utter_message(response="utter_bridge_onbereikbaar")
            return []
        arrangeur = result.get("arrangeur")
        if arrangeur not in ARRANGEURS:
            arrangeur = None
        if result.get("uitleg"):
            # When the rules still miss one answer, the uitleg asks for it: add buttons.
            ontbreekt = [str(naam) for naam in result.get("ontbreekt") or []]
            response = _VRAAG_RESPONSE.get(ontbreekt[0], "utter_arrangeur") if ontbreekt else "utter_arrangeur"
            dispatcher.utter_message(response=response, uitleg=result["uitleg"])
        loket = loket_text(result.get("loket"))
        if loket:
            dispatcher.utter_message(response="utter_loket", loket=loket)
        return [SlotSet("arrangeur", arrangeur)]
