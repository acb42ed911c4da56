"""Live events over Redis pub/sub, so an event published in one bridge worker reaches every worker.

`RedisEventHub` implements the `EventHub` protocol of bridge/services/events.py. Publishing uses
a synchronous client (route code runs in worker threads); each event loop that subscribes gets
one `redis.asyncio` pub/sub connection shared by all its subscribers (not one per WebSocket),
and fans the events out locally with a `LocalEventHub`. An event published here comes back
from Redis like any other, so local and remote subscribers see it exactly once.

When Redis drops the connection, events published in between are lost for this worker; its
subscribers then get `OVERFLOW`, which makes every client reconnect and catch up from the
database (the messages themselves are stored there first, so nothing is lost for good).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

import redis
import redis.asyncio as aioredis

from bridge.core.logging import log_event
from bridge.services.events import OVERFLOW, Event, LocalEventHub, Subscription

CHANNEL_PREFIX = "elkedeur:events:"
SUBSCRIBE_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 1.0
RECONNECT_PAUSE_SECONDS = 1.0


class RedisEventHub:
    """Publish/subscribe across processes through Redis channels named `prefix + topic`."""

    def __init__(self, url: str, *, prefix: str = CHANNEL_PREFIX, client_name: str = "elkedeur-events") -> None:
        self._url = url
        self._prefix = prefix
        self._client_name = client_name  # shows in Redis' CLIENT LIST
        # Creating a client does not connect: nothing happens until the first publish.
        self._publisher = redis.Redis.from_url(
            url, socket_timeout=2.0, socket_connect_timeout=2.0, client_name=client_name
        )
        self._listeners: dict[asyncio.AbstractEventLoop, _Listener] = {}
        self._lock = threading.Lock()

    def publish(self, topic: str, event: Event) -> None:
        """Send `event` to the subscribers of `topic` in every worker; never raises."""
        try:
            self._publisher.publish(self._prefix + topic, json.dumps(event, separators=(",", ":")))
        except redis.RedisError as error:
            log_event("ED-3010", reason=type(error).__name__)
            for listener in self._listeners_snapshot():
                listener.local.publish(topic, event)

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Subscription]:
        """Receive the events of `topics` (from any worker) while the context is open.

        Returns only after Redis confirmed the subscription, so a caller that reads the database
        next (catch-up) cannot miss an event published in between. Raises redis.RedisError when
        Redis does not answer.
        """
        listener = self._listener_for(asyncio.get_running_loop())
        async with listener.local.subscribe(*topics) as subscription:
            await listener.add(topics)
            try:
                yield subscription
            finally:
                await listener.remove(topics)

    def subscribed_topics(self) -> set[str]:
        """Topics this process listens to on Redis (for tests and health)."""
        return {topic for listener in self._listeners_snapshot() for topic in listener.topics()}

    async def aclose(self) -> None:
        """Stop the listener of the running event loop and close the connections."""
        listener = self._listeners.pop(asyncio.get_running_loop(), None)
        if listener is not None:
            await listener.close()
        self._publisher.close()

    def close(self) -> None:
        """Close the publishing connection (listeners end with their event loop)."""
        self._publisher.close()

    def _listeners_snapshot(self) -> list[_Listener]:
        with self._lock:
            return list(self._listeners.values())

    def _listener_for(self, loop: asyncio.AbstractEventLoop) -> _Listener:
        # One listener per event loop: asyncio connections cannot be shared between loops.
        with self._lock:
            listener = self._listeners.get(loop)
            if listener is None:
                listener = self._listeners[loop] = _Listener(self._url, self._prefix, self._client_name)
            return listener


class _Listener:
    """One Redis pub/sub connection for one event loop, reference-counted per topic."""

    def __init__(self, url: str, prefix: str, client_name: str) -> None:
        self._prefix = prefix
        self._redis = aioredis.Redis.from_url(url, socket_connect_timeout=2.0, client_name=client_name)
        self._pubsub = self._redis.pubsub()
        self._counts: dict[str, int] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self.local = LocalEventHub()

    def topics(self) -> list[str]:
        return [topic for topic, count in self._counts.items() if count > 0]

    async def add(self, topics: Sequence[str]) -> None:
        """Count a subscriber for `topics`; SUBSCRIBE on Redis the ones that are new here."""
        async with self._lock:
            new = [t for t in dict.fromkeys(topics) if self._counts.get(t, 0) == 0]
            if new:
                for topic in new:
                    self._confirmed[topic] = asyncio.Event()
                try:
                    await self._pubsub.subscribe(*(self._prefix + t for t in new))
                except (redis.RedisError, OSError):
                    for topic in new:
                        self._confirmed.pop(topic, None)
                    raise
                self._ensure_reader()
            for topic in topics:
                self._counts[topic] = self._counts.get(topic, 0) + 1
            waits = [self._confirmed[t].wait() for t in dict.fromkeys(topics) if t in self._confirmed]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), SUBSCRIBE_TIMEOUT_SECONDS)
        except TimeoutError as error:
            await self.remove(topics)
            raise redis.ConnectionError("Redis did not confirm the subscription") from error

    async def remove(self, topics: Sequence[str]) -> None:
        """Uncount a subscriber; UNSUBSCRIBE the topics nobody here listens to any more."""
        async with self._lock:
            gone = []
            for topic in topics:
                count = self._counts.get(topic, 0) - 1
                if count <= 0:
                    self._counts.pop(topic, None)
                    self._confirmed.pop(topic, None)
                    gone.append(topic)
                else:
                    self._counts[topic] = count
            if gone:
                # A failed UNSUBSCRIBE only costs a few unused messages; the reader ignores them.
                with suppress(redis.RedisError, OSError):
                    await self._pubsub.unsubscribe(*(self._prefix + t for t in dict.fromkeys(gone)))

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="elkedeur-redis-events")

    async def _read(self) -> None:
        """Forward Redis messages to the local subscribers until the listener is closed."""
        failing = False
        while True:
            try:
                message = await self._pubsub.get_message(timeout=READ_TIMEOUT_SECONDS)
            except (redis.RedisError, OSError) as error:
                if not failing:
                    log_event("ED-3010", reason=type(error).__name__)
                    failing = True
                self._overflow(self.topics())
                await asyncio.sleep(RECONNECT_PAUSE_SECONDS)
                continue
            if failing:
                log_event("ED-3011")
                failing = False
            if message is not None:
                self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        channel = message["channel"]
        topic = (channel.decode() if isinstance(channel, bytes) else str(channel)).removeprefix(self._prefix)
        kind = message["type"]
        if kind == "message":
            self.local.publish(topic, json.loads(message["data"]))
        elif kind == "subscribe":
            confirmed = self._confirmed.get(topic)
            if confirmed is None:
                return  # unsubscribed again meanwhile
            if confirmed.is_set():
                # redis-py subscribes again after a reconnect: events in the gap are lost here,
                # so this topic's clients must catch up from the database.
                self._overflow([topic])
            confirmed.set()

    def _overflow(self, topics: Sequence[str]) -> None:
        for topic in topics:
            self.local.publish(topic, OVERFLOW)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        with suppress(redis.RedisError, OSError):
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            await self._redis.aclose()
