"""RasaPool: round-robin over Rasa servers, failover, health checks (HTTP faked with MockTransport).

The real thing, with two Rasa servers on PostgreSQL and Redis, is in tests/production/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bridge.services.rasa_client import RasaClient, RasaUnavailable
from bridge.services.rasa_pool import RasaInstance, RasaPool, make_rasa_client

A, B = "http://rasa-a:5005", "http://rasa-b:5006"
ACTIONS_A, ACTIONS_B = "http://actions-a:5055", "http://actions-b:5056"

Behaviour = Callable[[httpx.Request], httpx.Response]


def ok(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/conversations/"):
        return httpx.Response(200, json={"slots": {"rol": "werkgever"}})
    return httpx.Response(200, json=[{"recipient_id": "x", "text": request.url.host}])


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def slow(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def status(code: int) -> Behaviour:
    return lambda request: httpx.Response(code, json={})


class FakeServers:
    """Every host's behaviour, and the hosts that got each request, in order."""

    def __init__(self) -> None:
        self.behaviour: dict[str, Behaviour] = {}
        self.calls: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.url.host, request.url.path))
        return self.behaviour.get(request.url.host, ok)(request)

    def hosts(self, path_prefix: str = "/webhooks") -> list[str]:
        return [host for host, path in self.calls if path.startswith(path_prefix)]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def servers() -> FakeServers:
    return FakeServers()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pool(servers: FakeServers, clock: Clock) -> RasaPool:
    instances = [RasaInstance(A, ACTIONS_A), RasaInstance(B, ACTIONS_B)]
    return RasaPool(instances, "token", retry_after=5.0, transport=httpx.MockTransport(servers), clock=clock)


def replies_from(pool: RasaPool) -> str:
    replies: list[dict[str, Any]] = pool.send("gesprek-1", "hallo")
    return str(replies[0]["text"])


def test_messages_go_round_robin(pool: RasaPool) -> None:
    assert [replies_from(pool) for _ in range(4)] == ["rasa-a", "rasa-b", "rasa-a", "rasa-b"]


def test_a_refused_connection_moves_the_message_to_the_next_server(
    pool: RasaPool, servers: FakeServers, clock: Clock
) -> None:
    servers.behaviour["rasa-a"] = refuse
    assert [replies_from(pool) for _ in range(3)] == ["rasa-b", "rasa-b", "rasa-b"]
    # The failed server was tried once, then skipped while it is marked down.
    assert servers.hosts() == ["rasa-a", "rasa-b", "rasa-b", "rasa-b"]

    servers.behaviour["rasa-a"] = ok
    clock.now += 6.0  # after retry_after it is tried again
    assert sorted(replies_from(pool) for _ in range(2)) == ["rasa-a", "rasa-b"]


def test_a_server_that_died_mid_request_is_retried_elsewhere(pool: RasaPool, servers: FakeServers) -> None:
    def died(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    servers.behaviour["rasa-a"] = died
    assert replies_from(pool) == "rasa-b"


def test_a_slow_server_is_not_sent_the_same_message_twice(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = slow
    with pytest.raises(RasaUnavailable):
        pool.send("gesprek-1", "hallo")
    assert servers.hosts() == ["rasa-a"]  # not re-sent to rasa-b: rasa-a may still handle it


def test_reading_slots_moves_on_after_a_timeout(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = slow
    assert pool.slots("gesprek-1") == {"rol": "werkgever"}
    assert servers.hosts("/conversations") == ["rasa-a", "rasa-b"]


def test_an_error_answer_is_not_retried_but_unavailable_statuses_are(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = status(500)
    with pytest.raises(RasaUnavailable):
        pool.send("gesprek-1", "hallo")
    assert servers.hosts() == ["rasa-a"]

    servers.calls.clear()
    servers.behaviour["rasa-b"] = status(503)  # next in turn is rasa-b
    with pytest.raises(RasaUnavailable):
        pool.send("gesprek-1", "hallo")
    assert servers.hosts() == ["rasa-b", "rasa-a"]


def test_when_every_server_is_down_the_client_says_so(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = servers.behaviour["rasa-b"] = refuse
    with pytest.raises(RasaUnavailable, match="no Rasa server answered"):
        pool.send("gesprek-1", "hallo")
    # Both marked down: the next call still tries them (a last resort beats refusing).
    servers.behaviour["rasa-b"] = ok
    assert replies_from(pool) == "rasa-b"


def test_a_rasa_server_without_its_action_server_leaves_the_rotation(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["actions-a"] = refuse
    assert pool.check_health() == [False, True]
    assert pool.is_healthy()
    assert [replies_from(pool) for _ in range(2)] == ["rasa-b", "rasa-b"]

    servers.behaviour["rasa-b"] = refuse
    assert not pool.is_healthy()


def test_tracker_events_and_token_reach_the_server(pool: RasaPool, servers: FakeServers) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    servers.behaviour["rasa-a"] = record
    pool.append_event("gesprek-1", {"event": "pause"})
    assert seen[0].url.params["token"] == "token"
    assert seen[0].url.path == "/conversations/gesprek-1/tracker/events"


def test_one_server_keeps_the_plain_client() -> None:
    client = make_rasa_client([A], [ACTIONS_A], "token", 10.0, 5.0)
    assert type(client) is RasaClient
    client.close()
    pooled = make_rasa_client([A, B], [ACTIONS_A], "token", 10.0, 5.0)
    assert isinstance(pooled, RasaPool)
    assert [i.actions_url for i in pooled.instances] == [ACTIONS_A, ACTIONS_A]
    pooled.close()
