"""The chat side of Mijn plan (issue 15): offer the plan after advice, answer the "/plan" payload.

The bot's replies pass through the bridge, so no bot retraining is needed: advice is recognised by
the end of the regelingen answer (bot/domain/regeling.yml: `utter_regelingen_knoppen` carries the
"/show_more" button; `utter_geen_regelingen` says no regeling fitted). After it the bridge adds the
offer; a conversation that has a plan already gets it brought up to date instead (a new version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from bridge.knowledge.loader import get_knowledge_base
from bridge.models import Conversation
from bridge.services import plans
from bridge.services.rasa_client import RasaClient

PLAN_PAYLOAD = "/plan"
OFFER_TEXT = "Wilt u dit als overzicht bewaren?"
OFFER_BUTTON = {"title": "Ja, bewaar mijn plan", "payload": PLAN_PAYLOAD}
UPDATED_TEXT = "Uw plan is bijgewerkt met dit advies. U vindt het via de link die u eerder kreeg."
ADVICE_BUTTON_PAYLOADS = frozenset({"/show_more"})
ADVICE_TEXT_STARTS = ("Ik vond geen regeling die precies bij u past",)
LINK_TEXT = (
    "Uw plan staat klaar: {url}\nBewaar deze link goed. Iedereen met de link kan uw plan zien. "
    "Een nieuwe link maakt de oude ongeldig."
)
LINK_STORED_TEXT = "U heeft een link naar uw plan gekregen. (De link zelf bewaren wij niet in het gesprek.)"
NO_ADVICE_TEXT = "Er is nog geen advies om te bewaren. Vertel eerst wat uw situatie is; daarna kunt u uw plan bewaren."


def is_advice(replies: list[dict[str, Any]]) -> bool:
    """True when these bot replies end an advice (the regelingen, or the answer that none fit)."""
    for reply in replies:
        if any(button.get("payload") in ADVICE_BUTTON_PAYLOADS for button in reply.get("buttons") or []):
            return True
        if str(reply.get("text") or "").startswith(ADVICE_TEXT_STARTS):
            return True
    return False


def after_advice(
    session: Session, rasa: RasaClient, conversation: Conversation, replies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replies to add after the bot's: the offer, or a note that the plan was brought up to date."""
    if not is_advice(replies):
        return []
    plan = plans.for_conversation(session, conversation.id)
    if plan is None:
        return [{"text": OFFER_TEXT, "buttons": [dict(OFFER_BUTTON)]}]
    intake = plans.intake_for(session, rasa, conversation)
    versie = plans.refresh(session, get_knowledge_base(), plan, intake, dt.date.today())
    session.commit()
    return [{"text": UPDATED_TEXT, "buttons": []}] if versie is not None else []


def plan_reply(session: Session, rasa: RasaClient, conversation: Conversation) -> tuple[dict[str, Any], str]:
    """The "/plan" payload: (reply for the person, text to store in the transcript, without the link)."""
    intake = plans.intake_for(session, rasa, conversation)
    try:
        issued = plans.issue_link(session, get_knowledge_base(), conversation, intake, dt.date.today())
    except plans.NoAdviceYet:
        return {"text": NO_ADVICE_TEXT, "buttons": []}, NO_ADVICE_TEXT
    return {"text": LINK_TEXT.format(url=issued.path), "buttons": []}, LINK_STORED_TEXT
