"""Live events: an in-process publish/subscribe hub for conversations, channels and queues.

Topics are plain strings (see the `*_topic` helpers). `publish` may be called from any thread
(sync route code runs in a worker thread); subscribers are asyncio tasks on an event loop.
A Redis pub/sub backend can replace `LocalEventHub` later by implementing `EventHub`
and installing it with `set_event_hub` (the bridge then scales beyond one process).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bridge.core.logging import log_event

if TYPE_CHECKING:
    from bridge.models import Conversation, Message


Event = dict[str, Any]
SUBSCRIBER_QUEUE_SIZE = 256
# Sent to a subscriber that fell too far behind: it must reconnect and catch up from the database.
OVERFLOW: Event = {"type": "overflow"}


def conversation_topic(conversation_id: str) -> str:
    """Everything the person in one conversation should see."""
    return f"conversation:{conversation_id}"


def channel_topic(channel: str) -> str:
    """Every message event of all conversations on one channel (e.g. the Telegram connector)."""
    return f"channel:{channel}"


def queue_topic(queue: str) -> str:
    """Case changes in one organisation queue (the staff console)."""
    return f"queue:{queue}"


class Subscription:
    """The receiving end of a subscription: iterate it for events."""

    def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: int = SUBSCRIBER_QUEUE_SIZE) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)

    def deliver_threadsafe(self, event: Event) -> None:
        """Hand an event to this subscriber from any thread."""
        self._loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            # A stuck consumer must not block publishers or grow memory: drop its backlog and
            # tell it to reconnect; the catch-up from the database fills the gap.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(OVERFLOW)

    async def get(self) -> Event:
        """The next event (waits)."""
        return await self._queue.get()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            yield await self._queue.get()


class EventHub(Protocol):
    """What a live-event backend offers (in-process now, Redis later)."""

    def publish(self, topic: str, event: Event) -> None:
        """Send `event` to every current subscriber of `topic`; never blocks, never raises."""

    def subscribe(self, *topics: str) -> AbstractAsyncContextManager[Subscription]:
        """Receive the events of `topics` while the context is open."""


class LocalEventHub:
    """Publish/subscribe inside one process (one uvicorn worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def publish(self, topic: str, event: Event) -> None:
        """Send `event` to every current subscriber of `topic`."""
        with self._lock:
            subscribers = list(self._subscribers.get(topic, ()))
        for subscription in subscribers:
            try:
                subscription.deliver_threadsafe(event)
            except RuntimeError:  # its event loop is closed: the subscriber is gone
                self._remove(topic, subscription)

    def subscriber_count(self, topic: str) -> int:
        """How many subscribers listen to `topic` (for tests and health)."""
        with self._lock:
            return len(self._subscribers.get(topic, ()))

    def _remove(self, topic: str, subscription: Subscription) -> None:
        with self._lock:
            subscribers = self._subscribers.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[topic]

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Subscription]:
        """Receive the events of `topics` while the context is open."""
        subscription = Subscription(asyncio.get_running_loop())
        with self._lock:
            for topic in topics:
                self._subscribers.setdefault(topic, set()).add(subscription)
        try:
            yield subscription
        finally:
            for topic in topics:
                self._remove(topic, subscription)


_hub: EventHub | None = None
_hub_lock = threading.Lock()


def get_event_hub() -> EventHub:
    """The process-wide hub, created on first use (nothing happens at import)."""
    global _hub
    with _hub_lock:
        if _hub is None:
            _hub = LocalEventHub()
        return _hub


def set_event_hub(hub: EventHub | None) -> None:
    """Install another backend (e.g. Redis); None goes back to a fresh in-process hub."""
    global _hub
    with _hub_lock:
        _hub = hub


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (stored times come back aware: bridge.models.base.UtcDateTime)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat()


def message_event(message: Message) -> Event:
    """The `message` event of the live-event contract (docs/contracts.md)."""
    return {
        "type": "message",
        "message": {
            "id": message.id,
            "author": message.author,
            "text": message.text,
            "payload": message.payload,
            "buttons": message.buttons or [],
            "created_at": iso(message.created_at),
        },
    }


def status_event(status: str, queue: str | None, staff_name: str | None = None) -> Event:
    """The `status` event of the live-event contract."""
    return {"type": "status", "status": status, "queue": queue, "staff_name": staff_name}


def _safe_publish(topic: str, event: Event) -> None:
    # A live update is a convenience on top of the stored message: it must never fail a request.
    try:
        get_event_hub().publish(topic, event)
    except Exception as error:
        log_event("ED-3012", topic=topic.split(":", 1)[0], error=type(error).__name__)


def publish_message(conversation: Conversation, message: Message) -> None:
    """Tell the conversation's listeners and its channel about a stored message."""
    event = message_event(message)
    _safe_publish(conversation_topic(conversation.id), event)
    _safe_publish(channel_topic(conversation.channel), {**event, "conversation_id": conversation.id})


def publish_status(conversation: Conversation, queue: str | None, staff_name: str | None = None) -> None:
    """Tell the conversation's listeners who answers now."""
    event = status_event(conversation.status, queue, staff_name)
    _safe_publish(conversation_topic(conversation.id), event)
    _safe_publish(channel_topic(conversation.channel), {**event, "conversation_id": conversation.id})


def publish_typing(conversation_id: str, author: str) -> None:
    """Show a typing indicator in the conversation (`staff` or `bot`)."""
    _safe_publish(conversation_topic(conversation_id), {"type": "typing", "author": author})


def publish_case(queue: str, case_id: str, change: str) -> None:
    """Tell the console of one organisation that a case in its queue changed."""
    _safe_publish(queue_topic(queue), {"type": "case", "case_id": case_id, "change": change})


async def staff_messages(conversation_id: str) -> AsyncIterator[Event]:
    """Yield the staff and system messages of one conversation as they are stored.

    For connectors running inside the bridge process (e.g. Telegram in webhook mode);
    connectors in another process use the WebSocket endpoints instead.
    """
    async with get_event_hub().subscribe(conversation_topic(conversation_id)) as subscription:
        async for event in subscription:
            if event["type"] == "message" and event["message"]["author"] in ("staff", "system"):
                yield event["message"]
            elif event["type"] == "overflow":
                return
