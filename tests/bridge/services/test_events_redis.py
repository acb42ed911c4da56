"""RedisEventHub on the local Redis: events cross hubs (processes), exactly once, in order."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from bridge.services.events import OVERFLOW, Event, Subscription
from bridge.services.events_redis import RedisEventHub
from tests.conftest import REDIS_URL, _redis_available

END: Event = {"type": "typing", "author": "end-of-test"}  # a marker: what came before it is all there was


@pytest.fixture
def prefix() -> Iterator[str]:
    """A channel prefix of its own, so parallel test runs cannot hear each other."""
    if not _redis_available():
        pytest.skip("Redis does not answer on 127.0.0.1:6379; Redis event hub tests skipped")
    yield f"elkedeur-test-{uuid.uuid4().hex[:8]}:"


async def _next(subscription: Subscription) -> Event:
    return await asyncio.wait_for(subscription.get(), 10)


async def _eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll a condition (in a thread: it may call Redis) until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def test_an_event_published_by_one_worker_reaches_the_subscriber_of_another(prefix: str) -> None:
    worker_a, worker_b = RedisEventHub(REDIS_URL, prefix=prefix), RedisEventHub(REDIS_URL, prefix=prefix)

    async def scenario() -> list[Event]:
        async with worker_b.subscribe("conversation:1") as subscription:
            # Published from a thread, as the sync route code does.
            await asyncio.to_thread(worker_a.publish, "conversation:1", {"type": "typing", "author": "staff"})
            await asyncio.to_thread(worker_a.publish, "conversation:2", {"type": "typing", "author": "bot"})
            await asyncio.to_thread(worker_a.publish, "conversation:1", {"type": "status", "status": "medewerker"})
            # Redis keeps one publisher's order: anything of conversation:2, or a copy, would come before this.
            await asyncio.to_thread(worker_a.publish, "conversation:1", END)
            received = [await _next(subscription) for _ in range(3)]
        await worker_b.aclose()
        return received

    received = asyncio.run(scenario())
    worker_a.close()
    assert received == [{"type": "typing", "author": "staff"}, {"type": "status", "status": "medewerker"}, END]


def test_subscribers_in_the_same_worker_share_one_redis_subscription(prefix: str) -> None:
    hub = RedisEventHub(REDIS_URL, prefix=prefix)
    probe = redis.Redis.from_url(REDIS_URL)

    async def scenario() -> None:
        async with hub.subscribe("queue:UWV") as first, hub.subscribe("queue:UWV", "channel:web") as second:
            assert hub.subscribed_topics() == {"queue:UWV", "channel:web"}
            assert probe.pubsub_numsub(f"{prefix}queue:UWV") == [(f"{prefix}queue:UWV".encode(), 1)]
            await asyncio.to_thread(hub.publish, "queue:UWV", {"type": "case", "change": "new"})
            assert await _next(first) == await _next(second) == {"type": "case", "change": "new"}
        assert hub.subscribed_topics() == set()
        # The UNSUBSCRIBE reaches Redis soon after; poll for it with a deadline.
        assert await _eventually(lambda: probe.pubsub_numsub(f"{prefix}queue:UWV")[0][1] == 0)
        await hub.aclose()

    asyncio.run(scenario())
    probe.close()


def test_publishing_without_redis_never_fails_the_request() -> None:
    hub = RedisEventHub("redis://127.0.0.1:1/0")  # nothing listens there
    hub.publish("conversation:1", {"type": "typing", "author": "bot"})  # logs, does not raise
    hub.close()


def test_subscribing_without_redis_raises_so_the_client_reconnects() -> None:
    hub = RedisEventHub("redis://127.0.0.1:1/0")

    async def scenario() -> None:
        with pytest.raises(redis.ConnectionError):
            async with hub.subscribe("conversation:1"):
                pass
        await hub.aclose()

    asyncio.run(scenario())


def test_a_lost_redis_connection_tells_subscribers_to_catch_up(prefix: str) -> None:
    name = f"elkedeur-test-{uuid.uuid4().hex[:8]}"
    hub = RedisEventHub(REDIS_URL, prefix=prefix, client_name=name)
    admin = redis.Redis.from_url(REDIS_URL)

    async def scenario() -> Event:
        async with hub.subscribe("conversation:9") as subscription:
            # Kill this hub's pub/sub connection from the Redis side, as a Redis restart would.
            ours = [c for c in admin.client_list() if c.get("name") == name]
            assert ours, "the hub's connection carries its client name"
            for client in ours:
                admin.client_kill_filter(_id=client["id"])
            event = await _next(subscription)
            # redis-py reconnects and subscribes again: later events arrive once more (published until
            # one arrives, up to a deadline: how long the reconnect takes is not the point here).
            later: Event = OVERFLOW
            deadline = time.monotonic() + 30
            while later == OVERFLOW and time.monotonic() < deadline:
                await asyncio.to_thread(hub.publish, "conversation:9", {"type": "typing", "author": "bot"})
                try:
                    later = await asyncio.wait_for(subscription.get(), 0.5)
                except TimeoutError:
                    continue
            assert later == {"type": "typing", "author": "bot"}
        await hub.aclose()
        return event

    assert asyncio.run(scenario()) == OVERFLOW
    admin.close()
