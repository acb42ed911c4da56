"""Where a user's message goes: stored first, then to Rasa or to the staff queue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.core.logging import log_event
from bridge.models import Conversation, ConversationStatus, HandoffCase, Message
from bridge.models.conversation import Author
from bridge.privacy.redaction import privacy_notice, redact
from bridge.services import events
from bridge.services.rasa_client import RasaClient

WAITING_NOTICE = (
    "Uw bericht is doorgegeven. Een medewerker van {queue} leest mee en antwoordt hier zo snel mogelijk."
)


def store_message(
    session: Session,
    conversation: Conversation,
    *,
    author: Author,
    text: str | None = None,
    payload: str | None = None,
    buttons: list[dict[str, Any]] | None = None,
    delivered: bool = False,
    staff_name: str | None = None,
) -> Message:
    """Store one message and commit at once, so a later failure cannot lose it; then publish it live."""
    message = Message(
        conversation_id=conversation.id,
        author=author.value,
        text=text,
        payload=payload,
        buttons=buttons or None,
        delivered=delivered,
        staff_name=staff_name,
    )
    session.add(message)
    session.commit()
    events.publish_message(conversation, message)
    return message


def set_status(
    session: Session, conversation: Conversation, status: ConversationStatus, *, queue: str | None = None,
    staff_name: str | None = None,
) -> None:
    """Change who answers the person (commits), and tell the channel live."""
    conversation.status = status.value
    session.commit()
    events.publish_status(conversation, queue, staff_name)


def normalise_replies(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep what channels render from Rasa's REST replies: text and buttons."""
    replies = []
    for item in raw:
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in item.get("buttons") or []
        ]
        if item.get("text") or buttons:
            replies.append({"text": item.get("text"), "buttons": buttons})
    return replies


def open_case(session: Session, conversation_id: str) -> HandoffCase | None:
    """The conversation's newest case that is not closed."""
    return session.scalars(
        select(HandoffCase)
        .where(HandoffCase.conversation_id == conversation_id, HandoffCase.status != "gesloten")
        .order_by(HandoffCase.created_at.desc())
        .limit(1)
    ).first()


def handle_user_message(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    *,
    text: str | None,
    payload: str | None,
) -> list[dict[str, Any]]:
    """Store the user's message, route it, store and return the replies.

    Personal identifiers (BSN, IBAN, phone, e-mail, birth date) are masked before the text is
    stored or sent anywhere. Raises RasaUnavailable after storing the message when the bot
    cannot answer.
    """
    redaction = redact(text) if text else None
    if redaction is not None:
        text = redaction.text
    message = store_message(session, conversation, author=Author.USER, text=text, payload=payload)
    notices = _privacy_notice_once(session, conversation, redaction.kinds if redaction else ())

    if conversation.status == ConversationStatus.GESLOTEN:
        # A person who writes again after closing gets the bot back, not silence.
        set_status(session, conversation, ConversationStatus.BOT)

    if conversation.status in (ConversationStatus.WACHT_OP_MEDEWERKER, ConversationStatus.MEDEWERKER):
        message.delivered = True
        session.commit()
        case = open_case(session, conversation.id)
        if case is not None:
            # The console of the case's organisation shows the new message without a reload.
            events.publish_case(case.queue, case.id, "message")
        if conversation.status == ConversationStatus.MEDEWERKER:
            return notices  # the medewerker answers live
        notice = WAITING_NOTICE.format(queue=case.queue if case else "de juiste organisatie")
        store_message(session, conversation, author=Author.SYSTEM, text=notice, delivered=True)
        return [*notices, {"text": notice, "buttons": []}]

    events.publish_typing(conversation.id, "bot")
    replies = normalise_replies(rasa.send(conversation.id, payload or text or ""))
    message.delivered = True
    session.commit()
    for reply in replies:
        store_message(
            session, conversation, author=Author.BOT, text=reply["text"], buttons=reply["buttons"], delivered=True
        )
    return [*notices, *replies]


def _privacy_notice_once(session: Session, conversation: Conversation, kinds: Iterable[str]) -> list[dict[str, Any]]:
    """The kind notice about shared identifiers, the first time only (stored as a system message)."""
    kinds = list(kinds)
    if not kinds or conversation.privacy_notice_shown:
        return []
    conversation.privacy_notice_shown = True
    notice = privacy_notice(kinds)
    store_message(session, conversation, author=Author.SYSTEM, text=notice, delivered=True)
    log_event("ED-5000", conversation=conversation.id, kinds=kinds, count=len(kinds))
    return [{"text": notice, "buttons": []}]
