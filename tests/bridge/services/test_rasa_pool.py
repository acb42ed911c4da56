"""RasaPool: each conversation to its own Rasa server, failover, health checks (HTTP faked with MockTransport).

The real thing: two Rasa servers on PostgreSQL and Redis in tests/production/, on one SQLite file
under supervisord in tests/e2e/test_reliability_e2e.py.
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


def conversation_at(pool: RasaPool, url: str, skip: int = 0) -> str:
    """A conversation id whose own server (all servers up) is `url`."""
    found = (f"gesprek-{i}" for i in range(1000) if pool.home(f"gesprek-{i}").rasa_url == url)
    for _ in range(skip):
        next(found)
    return next(found)


def replies_from(pool: RasaPool, conversation: str) -> str:
    replies: list[dict[str, Any]] = pool.send(conversation, "hallo")
    return str(replies[0]["text"])


def test_a_conversation_always_goes_to_the_same_server(pool: RasaPool) -> None:
    for conversation in (conversation_at(pool, A), conversation_at(pool, B)):
        hosts = {replies_from(pool, conversation) for _ in range(4)}
        assert hosts == {pool.home(conversation).rasa_url.split("//")[1].split(":")[0]}


def test_conversations_spread_over_the_servers(pool: RasaPool) -> None:
    homes = [pool.home(f"{i:08x}-4c1e-4b0a-9d7e-3f2a1b0c9d8e").rasa_url for i in range(400)]
    assert 150 <= homes.count(A) <= 250  # about half each


def test_every_bridge_worker_chooses_the_same_server(servers: FakeServers, clock: Clock) -> None:
    # A conversation's server may not depend on the process (Python's hash() does): a fresh pool agrees.
    instances = [RasaInstance(A, ACTIONS_A), RasaInstance(B, ACTIONS_B)]
    first = RasaPool(instances, "token", transport=httpx.MockTransport(servers), clock=clock)
    second = RasaPool(instances, "token", transport=httpx.MockTransport(servers), clock=clock)
    ids = [f"gesprek-{i}" for i in range(50)]
    assert [first.home(i) for i in ids] == [second.home(i) for i in ids]
    assert [first.home(i).rasa_url for i in ids[:6]] == [B, A, A, B, A, A]  # fixed: the hash is stable


def test_calls_without_a_conversation_go_round_robin(pool: RasaPool, servers: FakeServers) -> None:
    for _ in range(4):
        pool._request("GET", "/status", idempotent=True)
    assert servers.hosts("/status") == ["rasa-a", "rasa-b", "rasa-a", "rasa-b"]


def test_a_refused_connection_moves_the_conversation_to_another_server_and_back(
    pool: RasaPool, servers: FakeServers, clock: Clock
) -> None:
    at_a, at_b = conversation_at(pool, A), conversation_at(pool, B)
    servers.behaviour["rasa-a"] = refuse
    assert [replies_from(pool, at_a) for _ in range(3)] == ["rasa-b", "rasa-b", "rasa-b"]
    # The failed server was tried once, then skipped while it is marked down.
    assert servers.hosts() == ["rasa-a", "rasa-b", "rasa-b", "rasa-b"]
    assert replies_from(pool, at_b) == "rasa-b"  # the other server's conversations stay where they are

    servers.behaviour["rasa-a"] = ok
    clock.now += 6.0  # after retry_after it is tried again: the conversation goes home
    assert replies_from(pool, at_a) == "rasa-a"
    assert replies_from(pool, at_b) == "rasa-b"


def test_a_failed_servers_conversations_spread_over_the_rest(servers: FakeServers, clock: Clock) -> None:
    urls = [f"http://rasa-{n}:5005" for n in "abc"]
    pool = RasaPool([RasaInstance(u) for u in urls], "token", transport=httpx.MockTransport(servers), clock=clock)
    ids = [f"{i:08x}-4c1e-4b0a-9d7e-3f2a1b0c9d8e" for i in range(300)]
    before = {i: pool.home(i).rasa_url for i in ids}
    servers.behaviour["rasa-a"] = refuse
    after = {i: "http://" + replies_from(pool, i) + ":5005" for i in ids}
    moved = [i for i in ids if before[i] == urls[0]]
    assert all(after[i] == before[i] for i in ids if before[i] != urls[0])  # nothing else moves
    assert {after[i] for i in moved} == set(urls[1:])  # rasa-a's conversations go to both others


def test_a_server_that_died_mid_request_is_retried_elsewhere(pool: RasaPool, servers: FakeServers) -> None:
    def died(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    servers.behaviour["rasa-a"] = died
    assert replies_from(pool, conversation_at(pool, A)) == "rasa-b"


def test_a_slow_server_is_not_sent_the_same_message_twice(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = slow
    with pytest.raises(RasaUnavailable):
        pool.send(conversation_at(pool, A), "hallo")
    assert servers.hosts() == ["rasa-a"]  # not re-sent to rasa-b: rasa-a may still handle it


def test_reading_slots_moves_on_after_a_timeout(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = slow
    assert pool.slots(conversation_at(pool, A)) == {"rol": "werkgever"}
    assert servers.hosts("/conversations") == ["rasa-a", "rasa-b"]


def test_an_error_answer_is_not_retried_but_unavailable_statuses_are(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["rasa-a"] = status(500)
    with pytest.raises(RasaUnavailable):
        pool.send(conversation_at(pool, A), "hallo")
    assert servers.hosts() == ["rasa-a"]

    servers.calls.clear()
    servers.behaviour["rasa-b"] = status(503)
    with pytest.raises(RasaUnavailable):
        pool.send(conversation_at(pool, B), "hallo")
    assert servers.hosts() == ["rasa-b", "rasa-a"]


def test_when_every_server_is_down_the_client_says_so(pool: RasaPool, servers: FakeServers) -> None:
    at_a = conversation_at(pool, A)
    servers.behaviour["rasa-a"] = servers.behaviour["rasa-b"] = refuse
    with pytest.raises(RasaUnavailable, match="no Rasa server answered"):
        pool.send(at_a, "hallo")
    # Both marked down: the next call still tries them (a last resort beats refusing).
    servers.behaviour["rasa-b"] = ok
    assert replies_from(pool, at_a) == "rasa-b"


def test_a_rasa_server_without_its_action_server_leaves_the_rotation(pool: RasaPool, servers: FakeServers) -> None:
    servers.behaviour["actions-a"] = refuse
    assert pool.check_health() == [False, True]
    assert pool.is_healthy()
    assert [replies_from(pool, conversation_at(pool, A, skip=n)) for n in range(2)] == ["rasa-b", "rasa-b"]

    servers.behaviour["rasa-b"] = refuse
    assert not pool.is_healthy()


def test_tracker_events_and_token_reach_the_server(pool: RasaPool, servers: FakeServers) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    servers.behaviour["rasa-a"] = record
    at_a = conversation_at(pool, A)
    pool.append_event(at_a, {"event": "pause"})
    assert seen[0].url.params["token"] == "token"
    assert seen[0].url.path == f"/conversations/{at_a}/tracker/events"


def test_one_server_keeps_the_plain_client() -> None:
    client = make_rasa_client([A], [ACTIONS_A], "token", 10.0, 5.0)
    assert type(client) is RasaClient
    client.close()
    pooled = make_rasa_client([A, B], [ACTIONS_A], "token", 10.0, 5.0)
    assert isinstance(pooled, RasaPool)
    assert [i.actions_url for i in pooled.instances] == [ACTIONS_A, ACTIONS_A]
    pooled.close()
