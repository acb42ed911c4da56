"""Where a user's message goes: stored first, then to Rasa or to the staff queue."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bridge.core.logging import log_event
from bridge.models import Conversation, ConversationStatus, HandoffCase, Message
from bridge.models.conversation import Author
from bridge.privacy.redaction import privacy_notice, redact
from bridge.services import events, plan_offer, reliability
from bridge.services.rasa_client import RasaClient, RasaUnavailable

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
    client_message_id: str | None = None,
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
        client_message_id=client_message_id,
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
    client_message_id: str | None = None,
    actions_healthy: Callable[[], bool] | None = None,
    duplicate_wait_s: float = reliability.DUPLICATE_WAIT_SECONDS,
) -> list[dict[str, Any]]:
    """Store the user's message, route it, store and return the replies.

    Personal identifiers (BSN, IBAN, phone, e-mail, birth date) are masked before the text is
    stored or sent anywhere. A `client_message_id` seen before in this conversation is not stored
    again: the first attempt's replies come back. When the bot cannot answer (Rasa down or slow,
    or no answer while the action server is down), the message stays stored with delivered=False
    and the reply is a Dutch notice with a button to leave the question for a medewerker.
    """
    if client_message_id is not None:
        earlier = reliability.find_client_message(session, conversation.id, client_message_id)
        if earlier is not None:
            return _duplicate(session, rasa, conversation, earlier, actions_healthy, duplicate_wait_s)
    redaction = redact(text) if text else None
    if redaction is not None:
        text = redaction.text
    try:
        message = store_message(
            session, conversation, author=Author.USER, text=text, payload=payload, client_message_id=client_message_id
        )
    except IntegrityError:
        # The same client id arrived twice at once: the other request stored it first.
        session.rollback()
        earlier = reliability.find_client_message(session, conversation.id, client_message_id or "")
        if earlier is None:
            raise
        return _duplicate(session, rasa, conversation, earlier, actions_healthy, duplicate_wait_s)
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

    if payload == reliability.LEAVE_QUESTION_PAYLOAD:
        # The button of the "assistent werkt even niet" notice: the bridge itself opens the case.
        return [*notices, *reliability.leave_question(session, rasa, conversation)]

    if payload == plan_offer.PLAN_PAYLOAD:
        # "Ja, bewaar mijn plan" (issue 15): the bridge answers with the plan's link; the link is not stored.
        message.delivered = True
        reply, stored_text = plan_offer.plan_reply(session, rasa, conversation)
        store_message(session, conversation, author=Author.SYSTEM, text=stored_text, delivered=True)
        return [*notices, reply]

    replies = _to_rasa(session, rasa, conversation, message, actions_healthy)
    # After advice the bridge offers the plan, or brings an existing plan up to date (issue 15).
    extra = plan_offer.after_advice(session, rasa, conversation, replies)
    for reply in extra:
        store_message(session, conversation, author=Author.SYSTEM, text=reply["text"], buttons=reply["buttons"],
                      delivered=True)
    return [*notices, *replies, *extra]


def _to_rasa(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    message: Message,
    actions_healthy: Callable[[], bool] | None,
) -> list[dict[str, Any]]:
    """Send a stored user message to Rasa; store and return the replies (or the notice)."""
    events.publish_typing(conversation.id, "bot")
    started = time.monotonic()
    try:
        replies = normalise_replies(rasa.send(conversation.id, message.payload or message.text or ""))
    except RasaUnavailable as error:
        log_event("ED-3000", conversation=conversation.id, reason=type(error.__cause__ or error).__name__,
                  duration_ms=round((time.monotonic() - started) * 1000))
        return [_store_unavailable_notice(session, conversation)]
    if not replies and actions_healthy is not None and not actions_healthy():
        # Rasa answered, but skipped every custom action: the message did reach Rasa.
        log_event("ED-3001", reason="lege reactie van Rasa")
        message.delivered = True
        session.commit()
        return [_store_unavailable_notice(session, conversation)]
    _store_replies(session, conversation, message, replies)
    return replies


def _store_replies(
    session: Session, conversation: Conversation, message: Message, replies: list[dict[str, Any]]
) -> None:
    """Store the bot's replies and mark the user's message delivered in one commit (a retry sees all or none)."""
    stored = [
        Message(
            conversation_id=conversation.id, author=Author.BOT.value, text=reply["text"],
            buttons=reply["buttons"] or None, delivered=True,
        )
        for reply in replies
    ]
    session.add_all(stored)
    message.delivered = True
    session.commit()
    for row in stored:
        events.publish_message(conversation, row)


def _store_unavailable_notice(session: Session, conversation: Conversation) -> dict[str, Any]:
    """Store and return the "assistent werkt even niet" notice with its button."""
    reply = reliability.bot_unavailable_reply()
    store_message(session, conversation, author=Author.SYSTEM, text=reply["text"], buttons=reply["buttons"],
                  delivered=True)
    return reply


def _duplicate(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    earlier: Message,
    actions_healthy: Callable[[], bool] | None,
    wait_s: float,
) -> list[dict[str, Any]]:
    """A retried message: not stored again; the replies of the first attempt.

    Only when the first attempt died without any answer (bridge killed while Rasa had it) is the
    stored message sent to Rasa once more, so it is not lost.
    """
    log_event("ED-2003", conversation=conversation.id, channel=conversation.channel)
    replies = reliability.replies_for_duplicate(session, earlier, wait_s=wait_s)
    if replies is not None:
        return replies
    if conversation.status != ConversationStatus.BOT:
        return []
    return _to_rasa(session, rasa, conversation, earlier, actions_healthy)


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
