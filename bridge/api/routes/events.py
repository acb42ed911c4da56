"""Live events over WebSocket: one conversation for its channel, or a whole channel for a connector.

Contract in docs/contracts.md ("Live events"). Order per connection: subscribe, catch up from the
database, then forward live events, skipping any message already sent during the catch-up.
"""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, WebSocket, status
from sqlalchemy import select

from bridge.api.websockets import pump
from bridge.core.config import get_settings
from bridge.core.db import get_sessionmaker
from bridge.core.tokens import bearer_matches
from bridge.models import Conversation, Message
from bridge.services import events
from bridge.services.records import open_case

router = APIRouter(tags=["live events"])
internal_router = APIRouter(tags=["internal"])

# Messages the channel connectors must push to the person themselves (bot replies come with the POST).
PUSHED_AUTHORS = ("staff", "system")
CATCH_UP_LIMIT = 1000


def _conversation_catch_up(conversation_id: str, after: int) -> list[events.Event] | None:
    """Stored messages after `after`, then the current status; None for an unknown conversation."""
    with get_sessionmaker()() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return None
        messages = session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.id > after)
            .order_by(Message.id)
            .limit(CATCH_UP_LIMIT)
        ).all()
        case = open_case(session, conversation_id)
        staff_name = case.claimer.display_name if case is not None and case.claimer is not None else None
        status_now = events.status_event(conversation.status, case.queue if case else None, staff_name)
        return [*(events.message_event(m) for m in messages), status_now]


def _last_message_id(first: list[events.Event], after: int) -> int:
    ids = [e["message"]["id"] for e in first if e["type"] == "message"]
    return max(ids, default=after)


@router.websocket("/api/conversations/{conversation_id}/events")
async def conversation_events(websocket: WebSocket, conversation_id: str, after: int = 0) -> None:
    """Catch-up of every stored message with id > after and the current status, then live events."""
    async with events.get_event_hub().subscribe(events.conversation_topic(conversation_id)) as subscription:
        # Subscribed before reading the database: nothing falls between catch-up and live.
        first = await to_thread.run_sync(_conversation_catch_up, conversation_id, after)
        if first is None:
            await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="onbekend gesprek")
            return
        await websocket.accept()
        await pump(websocket, subscription, first=first, sent_up_to=_last_message_id(first, after))


def _channel_catch_up(channel: str, after: int) -> list[events.Event]:
    """Staff and system messages on `channel` after message id `after`, tagged with their conversation."""
    with get_sessionmaker()() as session:
        rows = session.scalars(
            select(Message)
            .join(Conversation)
            .where(Conversation.channel == channel, Message.id > after, Message.author.in_(PUSHED_AUTHORS))
            .order_by(Message.id)
            .limit(CATCH_UP_LIMIT)
        ).all()
        return [{**events.message_event(m), "conversation_id": m.conversation_id} for m in rows]


def _pushed(event: events.Event) -> bool:
    return event["type"] != "message" or event["message"]["author"] in PUSHED_AUTHORS


def _service_token_ok(websocket: WebSocket) -> bool:
    return bearer_matches(websocket.headers.get("authorization"), get_settings().bridge_service_token)


@internal_router.websocket("/internal/events")
async def channel_events(websocket: WebSocket, channel: str, after: int | None = None) -> None:
    """For connectors in another process (Telegram): staff/system messages and status changes of
    every conversation on `channel`; with ?after=<message id> the missed messages come first."""
    if not _service_token_ok(websocket):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    async with events.get_event_hub().subscribe(events.channel_topic(channel)) as subscription:
        first = await to_thread.run_sync(_channel_catch_up, channel, after) if after is not None else []
        await websocket.accept()
        await pump(websocket, subscription, first=first, keep=_pushed, sent_up_to=_last_message_id(first, after or 0))
