"""Global slot validation after every user message: canonical values and rol inference."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.intake import (
    ROLLEN,
    gemeente_slots,
    infer_rol,
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


class ContractSlotValidators:
    """Validators shared by the global slot mappings and the intake form: every value that
    reaches a slot is a contract value (docs/contracts.md), whoever filled it."""

    def validate_rol(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keep only the three contract values."""
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

    async def extract_rol(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Infer rol from a facts-only message when no rol is known yet."""
        if tracker.get_slot("rol"):
            return {}
        rol = infer_rol(
            latest_intent(tracker),
            latest_text(tracker),
            normalise_uitkering(tracker.get_slot("uitkering")),
            normalise_behoefte(tracker.get_slot("behoefte")),
        )
        return {"rol": rol} if rol else {}

    def validate_regeling(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Slugs are checked by the bridge when answering; keep the value as given."""
        return {"regeling": value}
