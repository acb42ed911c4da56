"""Where a user's message goes: stored first, then to Rasa, to the staff queue or to the bridge itself.

This is the orchestration of one user message (one turn). The user's message is committed before
anything is sent anywhere; what the turn answers (notices, the bot's replies, the plan offer) is
stored in one commit at the end, so a retried message sees all of it or none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import contract
from bridge.core.logging import log_event
from bridge.models import Conversation, ConversationStatus, Message
from bridge.models.conversation import Author
from bridge.privacy.redaction import privacy_notice, redact
from bridge.services import events, plan_offer, reliability
from bridge.services.cases import hand_over
from bridge.services.rasa_client import RasaClient, RasaUnavailable
from bridge.services.records import NewMessage, as_reply, open_case, set_status, store_message, store_messages

WAITING_NOTICE = "Uw bericht is doorgegeven. Een medewerker van {queue} leest mee en antwoordt hier zo snel mogelijk."
QUESTION_LEFT_NOTICE = (
    "Uw vraag is doorgegeven aan een medewerker van {queue}. U hoeft niets opnieuw te typen: "
    "de medewerker leest uw berichten en antwoordt hier zo snel mogelijk."
)
# The slots a handoff copies into its intake (docs/contracts.md, POST /internal/handoffs); the bot sends the same.
INTAKE_SLOTS = contract.HANDOFF_INTAKE_SLOTS

Reply = dict[str, Any]


class _RasaState:
    """Whether this process's last call to Rasa failed, so the first answer after it is logged (ED-3002)."""

    down: bool = False


_rasa_state = _RasaState()


@dataclass(frozen=True)
class Turn:
    """What one user message got: the id it is stored under, and the stored replies (with their ids)."""

    message_id: int
    replies: list[Reply]


def normalise_replies(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep what channels render from Rasa's REST replies: text and buttons."""
    replies = []
    for item in raw:
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in item.get("buttons") or []
        ]
        if item.get("text") or buttons:
            replies.append({"text": item.get("text"), "buttons": buttons})
    return replies


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
) -> Turn:
    """Store the user's message, route it, store and return the replies (each with its message id).

    Personal identifiers (BSN, IBAN, phone, e-mail, birth date) are masked before the text is
    stored or sent anywhere. A `client_message_id` seen before in this conversation is not stored
    again: the first attempt's replies come back. When the bot cannot answer (Rasa down or slow,
    or no answer while the action server is down), the message stays stored with delivered=False
    and the reply is a Dutch notice with a button to leave the question for a medewerker.
    """
    if client_message_id is not None:
        earlier = reliability.find_client_message(session, conversation.id, client_message_id)
        if earlier is not None:
            return Turn(earlier.id, _duplicate(session, rasa, conversation, earlier, actions_healthy, duplicate_wait_s))
    started, length = time.monotonic(), len(text or "")
    redaction = redact(text) if text else None
    if redaction is not None:
        text = redaction.text
    try:
        # Store before send: committed before Rasa or anyone else sees it.
        message = store_message(
            session, conversation, author=Author.USER, text=text, payload=payload, client_message_id=client_message_id
        )
    except IntegrityError:
        # The same client id arrived twice at once: the other request stored it first.
        session.rollback()
        earlier = reliability.find_client_message(session, conversation.id, client_message_id or "")
        if earlier is None:
            raise
        return Turn(earlier.id, _duplicate(session, rasa, conversation, earlier, actions_healthy, duplicate_wait_s))
    log_event(
        "ED-2001",
        conversation=conversation.id,
        channel=conversation.channel,
        length=length,
        kind="payload" if payload else "text",
    )
    notices = _privacy_notice_once(conversation, redaction.kinds if redaction else ())
    replies = _route(session, rasa, conversation, message, notices, actions_healthy)
    log_event(
        "ED-2002",
        conversation=conversation.id,
        replies=len(replies),
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    return Turn(message.id, replies)


def _route(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    message: Message,
    notices: list[NewMessage],
    actions_healthy: Callable[[], bool] | None,
) -> list[Reply]:
    """Send the stored message where it belongs now; the stored replies."""
    if conversation.status == ConversationStatus.GESLOTEN:
        # A person who writes again after closing gets the bot back, not silence.
        set_status(session, conversation, ConversationStatus.BOT)

    if conversation.status in (ConversationStatus.WACHT_OP_MEDEWERKER, ConversationStatus.MEDEWERKER):
        return _to_staff(session, conversation, message, notices)

    if message.payload == reliability.LEAVE_QUESTION_PAYLOAD:
        # The button of the "assistent werkt even niet" notice: the bridge itself opens the case.
        left = leave_question(session, rasa, conversation)
        return _finish_turn(session, conversation, [*notices, left], answered=message)

    if message.payload == plan_offer.PLAN_PAYLOAD:
        # "Ja, bewaar mijn plan" (issue 15): the bridge answers with the plan's link; the link is not stored.
        reply, stored_text = plan_offer.plan_reply(session, rasa, conversation)
        replies = _finish_turn(
            session, conversation, [*notices, NewMessage(Author.SYSTEM, stored_text)], answered=message
        )
        replies[-1]["text"] = reply["text"]
        return replies

    return _to_rasa(session, rasa, conversation, message, actions_healthy, notices)


def _finish_turn(
    session: Session, conversation: Conversation, new: list[NewMessage], *, answered: Message | None
) -> list[Reply]:
    """Store what the turn answers in one commit; the replies with their message ids."""
    return [as_reply(row) for row in store_messages(session, conversation, new, answered=answered)]


def _to_staff(session: Session, conversation: Conversation, message: Message, notices: list[NewMessage]) -> list[Reply]:
    """A medewerker has (or is about to get) the conversation: the message waits in the case."""
    message.delivered = True
    session.commit()
    log_event("ED-2004", conversation=conversation.id, status=str(conversation.status))
    case = open_case(session, conversation.id)
    if case is not None:
        # The console of the case's organisation shows the new message without a reload.
        events.publish_case(case.queue, case.id, "message")
    if conversation.status == ConversationStatus.WACHT_OP_MEDEWERKER:
        queue = case.queue if case else "de juiste organisatie"
        notices = [*notices, NewMessage(Author.SYSTEM, WAITING_NOTICE.format(queue=queue))]
    # With a medewerker in the conversation, they answer live.
    return _finish_turn(session, conversation, notices, answered=None)


def _to_rasa(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    message: Message,
    actions_healthy: Callable[[], bool] | None,
    notices: list[NewMessage],
) -> list[Reply]:
    """Send a stored user message to Rasa; store and return the replies (or the notice)."""
    events.publish_typing(conversation.id, "bot")
    started = time.monotonic()
    try:
        replies = normalise_replies(rasa.send(conversation.id, message.payload or message.text or ""))
    except RasaUnavailable as error:
        log_event(
            "ED-3000",
            conversation=conversation.id,
            reason=type(error.__cause__ or error).__name__,
            duration_ms=round((time.monotonic() - started) * 1000),
        )
        _rasa_state.down = True
        return _finish_turn(session, conversation, [*notices, _unavailable_notice()], answered=None)
    if _rasa_state.down:
        # The first answer after an outage (ED-3000) in this process.
        _rasa_state.down = False
        log_event("ED-3002", conversation=conversation.id)
    if not replies and actions_healthy is not None and not actions_healthy():
        # Rasa answered, but skipped every custom action: the message did reach Rasa.
        log_event("ED-3001", reason="lege reactie van Rasa")
        return _finish_turn(session, conversation, [*notices, _unavailable_notice()], answered=message)
    # After advice the bridge offers the plan, or brings an existing plan up to date (issue 15).
    extra = plan_offer.after_advice(session, rasa, conversation, replies)
    new = [
        *notices,
        *(NewMessage(Author.BOT, reply["text"], reply["buttons"]) for reply in replies),
        *(NewMessage(Author.SYSTEM, reply["text"], reply["buttons"]) for reply in extra),
    ]
    return _finish_turn(session, conversation, new, answered=message)


def _unavailable_notice() -> NewMessage:
    """The "assistent werkt even niet" notice with its button."""
    reply = reliability.bot_unavailable_reply()
    return NewMessage(Author.SYSTEM, reply["text"], reply["buttons"])


def _duplicate(
    session: Session,
    rasa: RasaClient,
    conversation: Conversation,
    earlier: Message,
    actions_healthy: Callable[[], bool] | None,
    wait_s: float,
) -> list[Reply]:
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
    return _to_rasa(session, rasa, conversation, earlier, actions_healthy, [])


def _privacy_notice_once(conversation: Conversation, kinds: Iterable[str]) -> list[NewMessage]:
    """The kind notice about shared identifiers, the first time only (stored with the turn's replies)."""
    kinds = list(kinds)
    if not kinds or conversation.privacy_notice_shown:
        return []
    conversation.privacy_notice_shown = True
    log_event("ED-5000", conversation=conversation.id, kinds=kinds, count=len(kinds))
    return [NewMessage(Author.SYSTEM, privacy_notice(kinds))]


def leave_question(session: Session, rasa: RasaClient, conversation: Conversation) -> NewMessage:
    """The user chose to leave the question for a medewerker: open a case with reden "storing".

    Returns the notice for the person (the caller stores it with the rest of the turn).
    """
    intake = _intake_from_rasa(rasa, conversation.id)
    # The messages Rasa never answered now reach their recipient: the medewerker's transcript.
    session.execute(
        update(Message)
        .where(Message.conversation_id == conversation.id, Message.delivered.is_(False))
        .values(delivered=True)
    )
    case = hand_over(session, conversation, reden=reliability.STORING_REDEN, intake=intake)
    return NewMessage(Author.SYSTEM, QUESTION_LEFT_NOTICE.format(queue=case.queue))


def _intake_from_rasa(rasa: RasaClient, conversation_id: str) -> dict[str, Any]:
    """What the bot knew before it failed; empty when Rasa cannot be asked."""
    try:
        slots = rasa.slots(conversation_id)
    except RasaUnavailable:
        slots = {}
    intake: dict[str, Any] = {name: slots.get(name) for name in INTAKE_SLOTS}
    intake.update(regelingen=[], contact=None)
    return intake
