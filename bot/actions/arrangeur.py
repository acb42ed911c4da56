"""Who arranges the help: POST /api/arrangeur with the intake, then explain why."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import contract
from bot.actions.base import BridgeAction
from bot.actions.bridge_client import BridgeUnavailable

ARRANGEURS = contract.ARRANGEURS
_MAX_TEKST = 2000  # the bridge's limit for `tekst` (docs/contracts.md)
# The arrangeur's question for a missing answer, sent with answer buttons.
_VRAAG_RESPONSE = {
    "uitkering": "utter_arrangeur_vraag_uitkering",
    "rol": "utter_arrangeur_vraag_rol",
}


def user_texts(tracker: Tracker) -> str:
    """What the person typed this session (button payloads left out), for extra signals.
    A long conversation keeps its latest words: a benefit named late (IOW) must still count."""
    texts = [
        str(event.get("text") or "")
        for event in tracker.events
        if event.get("event") == "user" and not str(event.get("text") or "").startswith("/")
    ]
    # One message per line, so a sentence never runs into the next (the rules read sentence by sentence).
    return "\n".join(text for text in texts if text)[-_MAX_TEKST:]


def split_vraag(uitleg: str) -> Tuple[str, str]:
    """A provisional uitleg ends with its question: (who helps and why, the question)."""
    tekst = uitleg.strip()
    cut = tekst.rfind(". ", 0, len(tekst) - 1)
    if not tekst.endswith("?") or cut < 0:
        return "", tekst
    return tekst[: cut + 1], tekst[cut + 2 :]


def loket_text(loket: Any) -> Optional[str]:
    """The regional loket and how to reach it: website, phone, address; else the national site."""
    if not isinstance(loket, Mapping):
        return None
    naam = loket.get("naam")
    if not naam:
        return None
    if "bevestigd" not in loket:
        # An older bridge sends only name and website.
        url = loket.get("url") or loket.get("website")
        return f"{naam} ({url})" if url else str(naam)
    delen = [str(naam) + "."]
    for sleutel, label in (("url", "Website"), ("telefoon", "Telefoon"), ("adres", "Adres")):
        if loket.get(sleutel):
            delen.append(f"{label}: {loket[sleutel]}.")
    if not loket.get("bevestigd"):
        delen.append("Wij hebben de website en het telefoonnummer van dit loket nog niet kunnen controleren.")
        if loket.get("terugval"):
            delen.append(f"Kijk op {loket['terugval']} voor het loket bij u in de buurt.")
    return " ".join(delen)


class ActionFindArrangeur(BridgeAction):
    """Sets `arrangeur` and tells the person who helps them further, and why."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_find_arrangeur"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
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
        ontbreekt = [str(naam) for naam in result.get("ontbreekt") or []]
        vraag = _VRAAG_RESPONSE.get(ontbreekt[0]) if ontbreekt else None
        if result.get("voorlopig") and arrangeur and vraag and result.get("uitleg"):
            # A provisional answer (issue 17): who helps and why, the desk, then the question whose
            # answer may change it, with its buttons last. The answer reruns the intake and this action.
            uitleg, vraag_tekst = split_vraag(str(result["uitleg"]))
            if uitleg:
                dispatcher.utter_message(response="utter_arrangeur", uitleg=uitleg)
            self._show_loket(dispatcher, result)
            dispatcher.utter_message(response=vraag, uitleg=vraag_tekst)
            return [SlotSet("arrangeur", arrangeur)]
        if result.get("uitleg"):
            # When the rules still miss one answer, the uitleg asks for it: add buttons.
            dispatcher.utter_message(response=vraag or "utter_arrangeur", uitleg=result["uitleg"])
        self._show_loket(dispatcher, result)
        return [SlotSet("arrangeur", arrangeur)]

    @staticmethod
    def _show_loket(dispatcher: CollectingDispatcher, result: Mapping[str, Any]) -> None:
        loket = loket_text(result.get("loket"))
        if loket:
            dispatcher.utter_message(response="utter_loket", loket=loket)
