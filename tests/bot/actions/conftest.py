"""Fixtures for action tests: frozen trackers, the real domain, and a fake bridge."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.bridge_client import BridgeUnavailable, NotFound

ROOT = Path(__file__).resolve().parents[3]
TRACKERS = ROOT / "tests" / "bot" / "data" / "trackers"


def load_tracker(name: str) -> Tracker:
    """A frozen tracker from tests/bot/data/trackers/<name>.json."""
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The real domain (bot/domain/*.yml merged by Rasa) as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


class FakeBridge:
    """Records calls and answers from canned data; `fail` makes every call unreachable."""

    def __init__(
        self,
        *,
        regelingen: Optional[List[Dict[str, Any]]] = None,
        oo_fondsen: Optional[List[Dict[str, Any]]] = None,
        sector: Optional[Dict[str, Any]] = None,
        entries: Optional[Dict[str, Dict[str, Any]]] = None,
        arrangeur: Optional[Dict[str, Any]] = None,
        handoff: Optional[Dict[str, Any]] = None,
        rekenhulp: Optional[Dict[str, Any]] = None,
        fail: bool = False,
    ) -> None:
        self.regelingen = regelingen or []
        self.oo_fondsen = oo_fondsen or []
        self.sector = sector
        self.entries = entries or {}
        self.arrangeur = arrangeur or {}
        self.handoff = handoff or {}
        self.rekenhulp = rekenhulp
        self.fail = fail
        self.calls: List[Tuple[str, Any]] = []

    def _record(self, name: str, argument: Any) -> None:
        self.calls.append((name, argument))
        if self.fail:
            raise BridgeUnavailable("connection refused")

    async def find_arrangeur(self, intake: Mapping[str, Any]) -> Dict[str, Any]:
        self._record("find_arrangeur", dict(intake))
        return self.arrangeur

    async def find_regelingen(self, params: Mapping[str, Any]) -> Dict[str, Any]:
        self._record("find_regelingen", dict(params))
        return {"regelingen": self.regelingen, "oo_fondsen": self.oo_fondsen, "sector": self.sector}

    async def get_regeling(self, slug: str) -> Dict[str, Any]:
        self._record("get_regeling", slug)
        if slug not in self.entries:
            raise NotFound(slug)
        return self.entries[slug]

    async def create_handoff(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        self._record("create_handoff", dict(payload))
        return self.handoff

    async def rekenhulp_loonkostensubsidie(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        self._record("rekenhulp", dict(payload))
        if self.rekenhulp is None:
            raise NotFound("/api/rekenhulp/loonkostensubsidie")
        return self.rekenhulp


def run(action: Action, tracker: Tracker, domain: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], CollectingDispatcher]:
    """Run an action once; returns its events and the dispatcher with its messages."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher


def responses(dispatcher: CollectingDispatcher) -> List[Optional[str]]:
    """The utter_* names the action sent, in order."""
    return [message.get("response") for message in dispatcher.messages]


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The SlotSet events as name → value (later ones win)."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


REGELING_STAP = {
    "slug": "stap-budget",
    "naam": "STAP-budget",
    "samenvatting": "Met het STAP-budget kon u tot € 1.000 per jaar krijgen voor een opleiding. Deze regeling bestaat niet meer.",
    "status": "beeindigd",
    "uitvoerder": ["UWV"],
    "geldig_van": "2022-01-01",
    "geldig_tot": "2023-12-31",
    "opvolger": "slim-scholingssubsidie",
    "bronnen": ["https://wetten.overheid.nl/BWBR0045419/2023-05-01"],
    "peildatum": "2026-02-05",
}
REGELING_SLIM = {
    "slug": "slim-scholingssubsidie",
    "naam": "SLIM-scholingssubsidie",
    "samenvatting": "Werkgevers in zorg, techniek en andere cruciale sectoren krijgen een deel van de opleidingskosten vergoed. Uw werkgever vraagt het aan.",
    "status": "open",
    "uitvoerder": ["Uitvoering van Beleid SZW"],
    "geldig_van": "2025-02-27",
    "geldig_tot": "2027-12-31",
    "opvolger": None,
    "bronnen": [
        "https://www.rijksoverheid.nl/actueel/nieuws/2024/11/22/internetconsultatie-sectorale-ontwikkelpaden-en-slim-scholingssubsidie"
    ],
    "peildatum": "2026-02-05",
}
REGELING_NO_RISK = {
    "slug": "no-riskpolis",
    "naam": "No-riskpolis",
    "samenvatting": "Wordt uw werknemer met een arbeidsbeperking ziek? Dan betaalt UWV de Ziektewet-uitkering. Zo loopt u minder risico.",
    "status": "open",
    "uitvoerder": ["UWV"],
    "geldig_van": None,
    "geldig_tot": None,
    "opvolger": None,
    "bronnen": ["https://www.uwv.nl/werkgevers/werknemer-met-uitkering/no-riskpolis"],
    "peildatum": "2026-02-05",
}


def regeling(slug: str, naam: str, status: str = "open", geldig_tot: Optional[str] = None) -> Dict[str, Any]:
    """A minimal regeling as GET /api/regelingen returns it."""
    return {
        "slug": slug,
        "naam": naam,
        "samenvatting": f"Over {naam}. Tweede zin.",
        "status": status,
        "uitvoerder": ["UWV"],
        "geldig_tot": geldig_tot,
        "bronnen": [f"https://example.org/{slug}"],
        "peildatum": "2026-02-05",
    }
