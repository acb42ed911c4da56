"""What the bridge does when the bot cannot answer, and with messages a channel sends twice.

- Rasa down or too slow: the user's message is already stored (delivered=False); the user gets a
  Dutch notice with a button to leave the question for a medewerker (payload LEAVE_QUESTION_PAYLOAD,
  handled by the bridge, not by Rasa). Undelivered messages are not replayed to Rasa later: the next
  message goes to Rasa as usual, and a medewerker sees the whole transcript in the case.
- Action server down: Rasa 3.6 then logs "Encountered an exception while running action ...
  Bot will continue, but the actions events are lost" and answers without the custom action's
  messages, often with no reply at all. An empty answer while the action server does not answer
  gets the same notice.
  (The button's payload is handled in the orchestration of a user message, bridge/services/conversations.py.)
- A client message id seen before in the conversation: the first message's replies come back.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.models import Message
from bridge.models.conversation import Author
from bridge.services.records import as_reply

LEAVE_QUESTION_PAYLOAD = "/vraag_achterlaten"
STORING_REDEN = "storing"
BOT_UNAVAILABLE_NOTICE = (
    "Sorry, de digitale assistent werkt op dit moment even niet. Uw bericht is bewaard. "
    "Probeert u het over een paar minuten nog eens? U kunt uw vraag ook achterlaten voor een medewerker."
)
LEAVE_QUESTION_BUTTON = {"title": "Vraag achterlaten voor een medewerker", "payload": LEAVE_QUESTION_PAYLOAD}
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
            replies.append(as_reply(row))
    return replies


def replies_for_duplicate(
    session: Session, message: Message, *, wait_s: float = DUPLICATE_WAIT_SECONDS
) -> list[dict[str, Any]] | None:
    """The first attempt's replies, waiting while it may still be answered.

    None when the first attempt died unanswered (e.g. the bridge was killed while Rasa had it):
    the caller then sends the stored message on once more.
    """
    deadline = message.created_at.timestamp() + wait_s
    while True:
        session.refresh(message)
        replies = replies_of(session, message)
        if replies or message.delivered:
            return replies
        if time.time() >= deadline:
            return None
        session.rollback()  # end the read transaction so the next look sees new commits
        time.sleep(DUPLICATE_POLL_SECONDS)
