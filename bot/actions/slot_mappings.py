"""Global slot validation after every user message: canonical values and rol inference."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.intake import (
    ROLLEN,
    gemeente_slots,
    lookup_gemeente,
    normalise_behoefte,
    normalise_sector,
    normalise_uitkering,
)


def latest_intent(tracker: Tracker) -> Optional[str]:
    """Name of the intent of the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    """Text of the latest user message ('' for none)."""
    return tracker.latest_message.get("text") or ""


def slot_before_latest_message(tracker: Tracker, name: str) -> Any:
    """The slot's value as it was before the latest user message was read."""
    value = before = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            before = value
        elif kind == "slot" and event.get("name") == name:
            value = event.get("value")
        elif kind == "restart":
            value = None
    return before


# A typed correction of an earlier answer: "nee, ik ben werkgever", "sorry, ik bedoel ...".
_CORRECTIE = re.compile(r"^\W*(nee|neen|sorry|oeps|eigenlijk|ik bedoel|correctie|verkeerd)\b", re.IGNORECASE)


def _rol_from_cues(tracker: Tracker) -> bool:
    """Whether the latest message's rol entity rests on what the person wrote, not on the model."""
    return any(
        e.get("entity") == "rol" and not str(e.get("reden") or "").startswith("model")
        for e in tracker.latest_message.get("entities") or []
    )


def may_change_rol(tracker: Tracker) -> bool:
    """A rol once set changes only by a button, an answer to the rol question or a correction in
    the person's own words ("nee, ik ben werkgever"): a later answer ("ik zoek een nieuwe baan"
    from a werkende, "nee, geen uitkering") must not move the person."""
    text = latest_text(tracker)
    return (
        text.startswith("/")
        or tracker.get_slot("requested_slot") == "rol"
        or (bool(_CORRECTIE.search(text)) and _rol_from_cues(tracker))
    )


class ContractSlotValidators:
    """Validators shared by the global slot mappings and the intake form: every value that
    reaches a slot is a contract value (docs/contracts.md), whoever filled it."""

    def validate_rol(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keep only the three contract values, and an earlier rol unless the person corrects it."""
        previous = slot_before_latest_message(tracker, "rol")
        if previous in ROLLEN and value != previous and not may_change_rol(tracker):
            return {"rol": previous}
        return {"rol": value if value in ROLLEN else None}

    def validate_uitkering(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Map the value to ww/wia/wajong/bijstand/geen."""
        return {"uitkering": normalise_uitkering(value)}

    def validate_sector(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Map the value to a contract sector."""
        return {"sector": normalise_sector(value)}

    def validate_behoefte(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Map the value to a documented behoefte."""
        return {"behoefte": normalise_behoefte(value)}

    def validate_gemeente(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Official CBS name plus arbeidsmarktregio, or candidates to choose from."""
        if not value:
            return {"gemeente": None, "arbeidsmarktregio": None}
        return gemeente_slots(lookup_gemeente(str(value)))


class ValidateSlotMappings(ContractSlotValidators, ValidationAction):
    """Runs as action_validate_slot_mappings; silent, so it never doubles a form question."""

    def validate_regeling(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Slugs are checked by the bridge when answering; keep the value as given."""
        return {"regeling": value}
