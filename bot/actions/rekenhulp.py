"""Loonkostensubsidie rekenhulp for werkgevers: three questions, the sum by the bridge."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.base import BridgeAction
from bot.actions.bridge_client import BridgeUnavailable, NotFound

_NUMBER_RE = re.compile(r"\d[\d.,]*")
_REKENHULP_SLOTS = ("loonwaarde", "uren_per_week", "brutoloon")
# The employee's age as an employer writes it ("een 19-jarige", "hij is 18 jaar", "een jongen van 17 jaar").
# Only third-person phrases: "ik ben 45 jaar" is the employer's own age. There is no age slot (bot/domain is
# not touched in issue 17), so the rekenhulp reads it from the conversation when it is there.
_LEEFTIJD_RES = (
    re.compile(r"\b(1[5-9]|[2-6]\d)[ -]?jarige?\b"),
    re.compile(
        r"\b(?:hij|zij|ze|die|werknemer|medewerker|kandidaat|jongen|meisje|jongere|leerling|schoolverlater|stagiair)"
        r"\s+(?:is|wordt)\s+(1[5-9]|[2-6]\d)\s+jaar\b(?!\s+(?:in dienst|ervaring|bij|geleden))"
    ),
    re.compile(
        r"\b(?:jongen|meisje|jongere|man|vrouw|werknemer|medewerker|kandidaat|leerling|schoolverlater|stagiair)"
        r"\s+van\s+(1[5-9]|[2-6]\d)\s+(?:jaar|jaar oud)\b"
    ),
)


def leeftijd_uit_gesprek(tracker: Tracker) -> Optional[int]:
    """The employee's age if the employer named it in this conversation (the last mention wins), else None."""
    gevonden: Optional[int] = None
    for event in tracker.events:
        if event.get("event") != "user" or not event.get("text"):
            continue
        tekst = str(event["text"]).lower()
        for pattern in _LEEFTIJD_RES:
            for match in pattern.finditer(tekst):
                gevonden = int(match.group(1))
    return gevonden


def parse_getal(text: Any) -> Optional[float]:
    """A number as Dutch people type it: '60%', '32 uur', '€ 2.300,50', '2300.5'."""
    if isinstance(text, (int, float)):
        return float(text)
    match = _NUMBER_RE.search(str(text or ""))
    if not match:
        return None
    raw = match.group(0).rstrip(".,")
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".")  # 2.300,50
    elif "," in raw:
        whole, _, frac = raw.rpartition(",")
        raw = raw.replace(",", ".") if len(frac) <= 2 else raw.replace(",", "")
    elif raw.count(".") == 1:
        whole, _, frac = raw.partition(".")
        if len(frac) == 3:
            raw = whole + frac  # 2.300 is two thousand three hundred
    else:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError:
        return None


def euro(bedrag: Any) -> str:
    """An amount as Dutch text without the sign: 1.234,56."""
    waarde = float(bedrag)
    tekst = f"{waarde:,.2f}"
    return tekst.replace(",", "X").replace(".", ",").replace("X", ".")


class ValidateRekenhulpForm(FormValidationAction):
    """Checks the three rekenhulp answers and asks again when one makes no sense."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "validate_rekenhulp_form"

    def validate_loonwaarde(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A percentage between 0 and 100 (0,6 is read as 60%)."""
        getal = parse_getal(value)
        if getal is not None and 0 < getal < 1:
            getal *= 100
        if getal is None or not 0 < getal <= 100:
            dispatcher.utter_message(response="utter_rekenhulp_ongeldig_loonwaarde")
            return {"loonwaarde": None}
        return {"loonwaarde": getal}

    def validate_uren_per_week(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Hours per week between 1 and 40."""
        getal = parse_getal(value)
        if getal is None or not 1 <= getal <= 40:
            dispatcher.utter_message(response="utter_rekenhulp_ongeldig_uren")
            return {"uren_per_week": None}
        return {"uren_per_week": getal}

    def validate_brutoloon(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A monthly gross wage in euros."""
        getal = parse_getal(value)
        if getal is None or not 100 <= getal <= 20000:
            dispatcher.utter_message(response="utter_rekenhulp_ongeldig_loon")
            return {"brutoloon": None}
        return {"brutoloon": getal}


class ActionRekenhulp(BridgeAction):
    """Asks the bridge for the indicative loonkostensubsidie and shows it with the caveat."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_rekenhulp"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """One calculation; the answers are cleared so it can be run again."""
        payload = {
            "loonwaarde_procent": tracker.get_slot("loonwaarde"),
            "uren_per_week": tracker.get_slot("uren_per_week"),
            "brutoloon_per_maand": tracker.get_slot("brutoloon"),
        }
        # Issue 17: below 21 the minimumjeugdloon applies; send the age when the employer named it.
        leeftijd = leeftijd_uit_gesprek(tracker)
        if leeftijd is not None:
            payload["leeftijd"] = leeftijd
        reset: List[EventType] = [SlotSet(slot, None) for slot in _REKENHULP_SLOTS]
        try:
            result = await self.bridge.rekenhulp_loonkostensubsidie(payload)
        except NotFound:
            dispatcher.utter_message(response="utter_rekenhulp_niet_beschikbaar")
            return reset
        except BridgeUnavailable:
            dispatcher.utter_message(response="utter_bridge_onbereikbaar")
            return reset
        bedrag = result.get("indicatie_per_maand")
        if bedrag is None:
            dispatcher.utter_message(response="utter_rekenhulp_niet_beschikbaar")
            return reset
        # Warnings from the bridge (e.g. a wage below the minimumloon) are data, not bot text.
        waarschuwingen = [str(w) for w in result.get("waarschuwingen") or [] if w]
        # Which minimumloon (age, amount, from which date) was used; added by the bridge in issue 17.
        toelichting = [str(t) for t in result.get("toelichting") or [] if t]
        dispatcher.utter_message(
            response="utter_rekenhulp_uitkomst",
            subsidie=euro(bedrag),
            uitleg=" ".join([*waarschuwingen, *toelichting]),
        )
        return reset
