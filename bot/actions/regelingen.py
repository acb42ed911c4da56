"""Regelingen from the bridge: cards after the intake, 'meer', and questions by name."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.base import BridgeAction
from bot.actions.bridge_client import BridgeUnavailable, NotFound

PER_KEER = 3
_MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_QUERY_SLOTS = ("rol", "uitkering", "sector", "gemeente", "behoefte")


def datum_nl(datum: dt.date) -> str:
    """A date as Dutch text: 1 januari 2024."""
    return f"{datum.day} {_MAANDEN[datum.month - 1]} {datum.year}"


def _date(value: Any) -> Optional[dt.date]:
    """Parse an ISO date from the API, or None."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def is_beeindigd(regeling: Mapping[str, Any], today: Optional[dt.date] = None) -> bool:
    """Ended by status, or because its last valid day (geldig_tot) has passed."""
    if regeling.get("status") == "beeindigd":
        return True
    geldig_tot = _date(regeling.get("geldig_tot"))
    return geldig_tot is not None and geldig_tot < (today or dt.date.today())


def einddatum(regeling: Mapping[str, Any]) -> Optional[str]:
    """The first day the regeling no longer existed (geldig_tot is its last valid day)."""
    geldig_tot = _date(regeling.get("geldig_tot"))
    return datum_nl(geldig_tot + dt.timedelta(days=1)) if geldig_tot else None


def eerste_zin(tekst: Any) -> str:
    """The first sentence of a summary, for a one-line card."""
    tekst = " ".join(str(tekst or "").split())
    match = re.match(r"(.+?[.!?])(\s|$)", tekst)
    return match.group(1) if match else tekst


def uitvoerder_tekst(regeling: Mapping[str, Any]) -> str:
    """Who arranges it, as one phrase."""
    uitvoerder = regeling.get("uitvoerder")
    if isinstance(uitvoerder, (list, tuple)):
        return " of ".join(str(naam) for naam in uitvoerder if naam) or "onbekend"
    return str(uitvoerder or "onbekend")


def bron(regeling: Mapping[str, Any]) -> str:
    """The first source link."""
    bronnen = regeling.get("bronnen") or []
    return str(bronnen[0]) if bronnen else ""


def kaart(regeling: Mapping[str, Any]) -> Dict[str, str]:
    """Template values for utter_regeling_kaart; the card's second line says why it fits this person."""
    samenvatting = eerste_zin(regeling.get("samenvatting"))
    past_bij_u = " ".join(str(regeling.get("past_bij_u") or "").split())
    return {
        "naam": str(regeling.get("naam") or regeling.get("slug") or ""),
        # utter_regeling_kaart (bot/domain) has no placeholder of its own for this line, so it rides along
        # with the summary.
        "samenvatting": f"{samenvatting}\n{past_bij_u}" if past_bij_u else samenvatting,
        "uitvoerder": uitvoerder_tekst(regeling),
        "bron": bron(regeling),
    }


def gebruikerstekst(tracker: Tracker, max_tekens: int = 1500) -> str:
    """The person's own messages of this conversation (already masked by the bridge), newest last, capped."""
    teksten = [
        str(event.get("text")).strip()
        for event in tracker.events
        if event.get("event") == "user" and event.get("text") and not str(event.get("text")).startswith("/")
    ]
    return " ".join(teksten)[-max_tekens:].strip()


def intake_query(tracker: Tracker) -> Dict[str, Any]:
    """The intake as query parameters for GET /api/regelingen, plus the person's words as `situatie`
    (the bridge reads traits and a branche with its own O&O-fonds from them; issue 17)."""
    query = {slot: tracker.get_slot(slot) for slot in _QUERY_SLOTS if tracker.get_slot(slot)}
    situatie = gebruikerstekst(tracker)
    if situatie:
        query["situatie"] = situatie
    return query


def _open_regelingen(regelingen: Sequence[Mapping[str, Any]], overslaan: Sequence[str]) -> List[Mapping[str, Any]]:
    """Regelingen that may be offered: not ended and not shown before."""
    return [
        regeling
        for regeling in regelingen
        if regeling.get("slug") and regeling["slug"] not in overslaan and not is_beeindigd(regeling)
    ]


def _toon(dispatcher: CollectingDispatcher, regelingen: Sequence[Mapping[str, Any]]) -> None:
    """One card per regeling, then the buttons for more or a medewerker."""
    for regeling in regelingen:
        dispatcher.utter_message(response="utter_regeling_kaart", **kaart(regeling))
    dispatcher.utter_message(response="utter_regelingen_knoppen")


def _toon_sector(dispatcher: CollectingDispatcher, gevonden: Mapping[str, Any]) -> None:
    """The sector's O&O-fonds, or the honest advice where the sector has none."""
    fondsen = [fonds for fonds in gevonden.get("oo_fondsen") or [] if fonds.get("status") != "beeindigd"]
    advies = gevonden.get("sector")
    heeft_advies = isinstance(advies, Mapping) and bool(advies.get("uitleg"))
    # A branche named by the person (bakkerij, uitvaart, ...) has its own fund: show that one.
    branche = isinstance(advies, Mapping) and bool(advies.get("subsector"))
    # Sub-sectors the person did not name: one follow-up line each ("Werkt u bij een bakkerij? Dan ...").
    vervolg = " ".join(str(advies.get("vervolgvraag") or "").split()) if isinstance(advies, Mapping) else ""
    # One fund: show it. Several (techniek): the advice says which cao belongs to which fund.
    if fondsen and (branche or len(fondsen) == 1 or not heeft_advies):
        fonds = fondsen[0]
        dispatcher.utter_message(
            response="utter_oo_fonds",
            naam=str(fonds.get("naam") or ""),
            samenvatting=eerste_zin(fonds.get("samenvatting")),
            bron=bron(fonds),
        )
        if vervolg and not branche:
            dispatcher.utter_message(response="utter_sector_advies", uitleg=vervolg)
        return
    if heeft_advies:
        uitleg = " ".join(str(advies["uitleg"]).split())  # type: ignore[index]
        dispatcher.utter_message(response="utter_sector_advies", uitleg=f"{uitleg} {vervolg}".strip())


class ActionFindRegelingen(BridgeAction):
    """Shows at most three regelingen that fit the intake."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_find_regelingen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Query the bridge with the intake and show the best three."""
        try:
            gevonden = await self.bridge.find_regelingen(intake_query(tracker))
        except BridgeUnavailable:
            dispatcher.utter_message(response="utter_bridge_onbereikbaar")
            return []
        tonen = _open_regelingen(gevonden.get("regelingen") or [], [])[:PER_KEER]
        if not tonen:
            _toon_sector(dispatcher, gevonden)
            dispatcher.utter_message(response="utter_geen_regelingen")
            return [SlotSet("regelingen", [])]
        dispatcher.utter_message(response="utter_regelingen_intro")
        for regeling in tonen:
            dispatcher.utter_message(response="utter_regeling_kaart", **kaart(regeling))
        _toon_sector(dispatcher, gevonden)
        dispatcher.utter_message(response="utter_regelingen_knoppen")
        return [SlotSet("regelingen", [regeling["slug"] for regeling in tonen])]


class ActionShowMoreRegelingen(BridgeAction):
    """Shows the next three regelingen that were not shown yet."""

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_show_more_regelingen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Query again and skip the slugs already shown."""
        getoond = list(tracker.get_slot("regelingen") or [])
        try:
            gevonden = await self.bridge.find_regelingen(intake_query(tracker))
        except BridgeUnavailable:
            dispatcher.utter_message(response="utter_bridge_onbereikbaar")
            return []
        tonen = _open_regelingen(gevonden.get("regelingen") or [], getoond)[:PER_KEER]
        if not tonen:
            dispatcher.utter_message(response="utter_geen_meer_regelingen")
            return []
        _toon(dispatcher, tonen)
        return [SlotSet("regelingen", getoond + [regeling["slug"] for regeling in tonen])]


class ActionAnswerRegeling(BridgeAction):
    """Answers a question about one regeling by name; ended ones name their successor."""

    def __init__(self, bridge: Any = None, today: Optional[dt.date] = None) -> None:
        """Optionally fix today's date (tests)."""
        super().__init__(bridge)
        self._today = today

    def name(self) -> Text:
        """Action name in the domain."""
        return "action_answer_regeling"

    @staticmethod
    def _slug(tracker: Tracker) -> Optional[str]:
        """The regeling named in the latest message, else the one asked about before."""
        for entity in reversed(tracker.latest_message.get("entities") or []):
            if entity.get("entity") == "regeling" and entity.get("value"):
                return str(entity["value"])
        return tracker.get_slot("regeling")

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Fetch the entry and answer from it."""
        slug = self._slug(tracker)
        if not slug:
            dispatcher.utter_message(response="utter_regeling_welke")
            return []
        try:
            regeling = await self.bridge.get_regeling(slug)
        except NotFound:
            dispatcher.utter_message(response="utter_regeling_onbekend")
            return [SlotSet("regeling", None)]
        except BridgeUnavailable:
            dispatcher.utter_message(response="utter_bridge_onbereikbaar")
            return []
        waarden = kaart(regeling)
        waarden["samenvatting"] = " ".join(str(regeling.get("samenvatting") or "").split())
        if is_beeindigd(regeling, self._today):
            await self._answer_beeindigd(dispatcher, regeling, waarden)
        elif regeling.get("status") == "gesloten":
            dispatcher.utter_message(response="utter_regeling_gesloten", **waarden)
        elif regeling.get("status") == "onzeker":
            dispatcher.utter_message(response="utter_regeling_onzeker", **waarden)
        else:
            dispatcher.utter_message(response="utter_regeling_open", **waarden)
        return [SlotSet("regeling", slug)]

    async def _answer_beeindigd(
        self, dispatcher: CollectingDispatcher, regeling: Mapping[str, Any], waarden: Dict[str, str]
    ) -> None:
        """Say since when it no longer exists, and what replaced it."""
        dispatcher.utter_message(
            response="utter_regeling_beeindigd",
            naam=waarden["naam"],
            einddatum=einddatum(regeling) or "onbekende datum",
            bron=waarden["bron"],
        )
        opvolger = regeling.get("opvolger")
        if isinstance(opvolger, Mapping):
            opvolger = opvolger.get("slug")
        if not opvolger:
            return
        try:
            nieuw = await self.bridge.get_regeling(str(opvolger))
        except (NotFound, BridgeUnavailable):
            return
        dispatcher.utter_message(
            response="utter_regeling_opvolger",
            opvolger=str(nieuw.get("naam") or opvolger),
            opvolger_samenvatting=eerste_zin(nieuw.get("samenvatting")),
        )
