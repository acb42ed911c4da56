"""What the bridge does when the bot cannot answer, and with messages a channel sends twice.

- Rasa down or too slow: the user's message is already stored (delivered=False); the user gets a
  Dutch notice with a button to leave the question for a medewerker (payload LEAVE_QUESTION_PAYLOAD,
  handled here, not by Rasa). Undelivered messages are not replayed to Rasa later: the next
  message goes to Rasa as usual, and a medewerker sees the whole transcript in the case.
- Action server down: Rasa 3.6 then logs "Encountered an exception while running action ...
  Bot will continue, but the actions events are lost" and answers without the custom action's
  messages, often with no reply at all. An empty answer while the action server does not answer
  gets the same notice.
- A client message id seen before in the conversation: the first message's replies come back.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bridge.models import Conversation, Message
from bridge.models.conversation import Author
from bridge.services.rasa_client import RasaClient, RasaUnavailable

LEAVE_QUESTION_PAYLOAD = "/vraag_achterlaten"
STORING_REDEN = "storing"
BOT_UNAVAILABLE_NOTICE = (
    "Sorry, de digitale assistent werkt op dit moment even niet. Uw bericht is bewaard. "
    "Probeert u het over een paar minuten nog eens? U kunt uw vraag ook achterlaten voor een medewerker."
)
LEAVE_QUESTION_BUTTON = {"title": "Vraag achterlaten voor een medewerker", "payload": LEAVE_QUESTION_PAYLOAD}
QUESTION_LEFT_NOTICE = (
    "Uw vraag is doorgegeven aan een medewerker van {queue}. U hoeft niets opnieuw te typen: "
    "de medewerker leest uw berichten en antwoordt hier zo snel mogelijk."
)
INTAKE_SLOTS = ("rol", "uitkering", "gemeente", "arbeidsmarktregio", "sector", "behoefte", "arrangeur")
# A retry waits for the first attempt's replies at most this long after the first was stored
# (set it just above the Rasa timeout: by then the first attempt has answered or died).
DUPLICATE_WAIT_SECONDS = 11.0
DUPLICATE_POLL_SECONDS = 0.2


def bot_unavailable_reply() -> dict[str, Any]:
    """The Dutch notice with the button to leave the question for a medewerker."""
    return {"text": BOT_UNAVAILABLE_NOTICE, "buttons": [dict(LEAVE_QUESTION_BUTTON)]}


def actions_answer(urls: Sequence[str], timeout: float = 2.0) -> bool:
    """True when at least one action server answers its /health."""
    for url in urls:
        try:
            if httpx.get(f"{url}/health", timeout=timeout).status_code == 200:
                return True
        except httpx.HTTPError:
            continue
    return False


def find_client_message(session: Session, conversation_id: str, client_message_id: str) -> Message | None:
    """The user's message stored earlier with this client message id, if any."""
    return session.scalars(
        select(Message).where(
            Message.conversation_id == conversation_id,
            Message.client_message_id == client_message_id,
        )
    ).first()


def replies_of(session: Session, message: Message) -> list[dict[str, Any]]:
    """The bot and system replies stored after a user message, up to the next user message."""
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == message.conversation_id, Message.id > message.id)
        .order_by(Message.id)
    )
    replies = []
    for row in rows:
        if row.author == Author.USER:
            break
        if row.author in (Author.BOT, Author.SYSTEM):
            replies.append({"text": row.text, "buttons": row.buttons or []})
    return replies


def replies_for_duplicate(
    session: Session, message: Message, *, wait_s: float = DUPLICATE_WAIT_SECONDS
) -> list[dict[str, Any]] | None:
    """The first attempt's replies, waiting while it may still be answered.

    None when the first attempt died unanswered (e.g. the bridge was killed while Rasa had it):
    the caller then sends the stored message on once more.
    """
    deadline = aware(message.created_at).timestamp() + wait_s
    while True:
        session.refresh(message)
        replies = replies_of(session, message)
        if replies or message.delivered:
            return replies
        if time.time() >= deadline:
            return None
        session.rollback()  # end the read transaction so the next look sees new commits
        time.sleep(DUPLICATE_POLL_SECONDS)


def aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _intake_from_rasa(rasa: RasaClient, conversation_id: str) -> dict[str, Any]:
    """What the bot knew before it failed; empty when Rasa cannot be asked."""
    try:
        slots = rasa.slots(conversation_id)
    except RasaUnavailable:
        slots = {}
    intake: dict[str, Any] = {name: slots.get(name) for name in INTAKE_SLOTS}
    intake.update(regelingen=[], contact=None)
    return intake


def leave_question(
    session: Session, rasa: RasaClient, conversation: Conversation
) -> list[dict[str, Any]]:
    """The user chose to leave the question for a medewerker: open a case with reden "storing"."""
    # Local import: conversations imports this module.
    from bridge.services.cases import hand_over
    from bridge.services.conversations import store_message

    intake = _intake_from_rasa(rasa, conversation.id)
    # The messages Rasa never answered now reach their recipient: the medewerker's transcript.
    session.execute(
        update(Message)
        .where(Message.conversation_id == conversation.id, Message.delivered.is_(False))
        .values(delivered=True)
    )
    case = hand_over(session, conversation, reden=STORING_REDEN, intake=intake)
    notice = QUESTION_LEFT_NOTICE.format(queue=case.queue)
    store_message(session, conversation, author=Author.SYSTEM, text=notice, delivered=True)
    return [{"text": notice, "buttons": []}]
