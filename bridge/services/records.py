"""The basic writes every service builds on: store messages, change the status, find the open case.

A leaf module: it imports only the models and the live events, so every other service (the
orchestration of a user message, cases, callbacks) can use it without an import circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.models import Conversation, ConversationStatus, HandoffCase, Message
from bridge.models.conversation import Author
from bridge.services import events


@dataclass(frozen=True)
class NewMessage:
    """One message to store (see `store_messages`)."""

    author: Author
    text: str | None = None
    buttons: list[dict[str, Any]] = field(default_factory=list)
    delivered: bool = True


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


def store_messages(
    session: Session, conversation: Conversation, new: Sequence[NewMessage], *, answered: Message | None = None
) -> list[Message]:
    """Store several messages in one commit (a retry sees all or none), then publish them live.

    `answered`: the user's message these answer; it is marked delivered in the same commit.
    """
    rows = [
        Message(
            conversation_id=conversation.id,
            author=item.author.value,
            text=item.text,
            buttons=item.buttons or None,
            delivered=item.delivered,
        )
        for item in new
    ]
    session.add_all(rows)
    if answered is not None:
        answered.delivered = True
    session.commit()
    for row in rows:
        events.publish_message(conversation, row)
    return rows


def set_status(
    session: Session,
    conversation: Conversation,
    status: ConversationStatus,
    *,
    queue: str | None = None,
    staff_name: str | None = None,
) -> None:
    """Change who answers the person (commits), and tell the channel live."""
    conversation.status = status.value
    session.commit()
    events.publish_status(conversation, queue, staff_name)


def open_case(session: Session, conversation_id: str) -> HandoffCase | None:
    """The conversation's newest case that is not closed."""
    return session.scalars(
        select(HandoffCase)
        .where(HandoffCase.conversation_id == conversation_id, HandoffCase.status != "gesloten")
        .order_by(HandoffCase.created_at.desc())
        .limit(1)
    ).first()


def as_reply(message: Message, *, text: str | None = None) -> dict[str, Any]:
    """A stored message as the channel gets it back from `POST .../messages` (with its id).

    `text` replaces the stored text where the person is shown more than is kept (the plan link).
    """
    return {
        "id": message.id,
        "author": message.author,
        "text": message.text if text is None else text,
        "buttons": message.buttons or [],
    }
