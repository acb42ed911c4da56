"""The load generators: Poisson arrivals, sequential turns per conversation, error counting."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
from collections import defaultdict

import httpx
import pytest

from bench.load import (
    ConversationPool,
    Endpoints,
    closed_loop,
    create_conversations,
    job_factory,
    open_loop,
    poisson_schedule,
)
from bench.scenarios import Scenario, scenario_stream
from bench.stats import StepResult

ENDPOINTS = Endpoints("http://rasa", "tok", "http://bridge")
SCENARIOS = [
    Scenario("a", "werkende", ("hallo", "ik werk in de zorg", "kan ik iemand spreken"), handoff=True),
    Scenario("b", "werkgever", ('/inform{"sector": "bouw"}', "Almere"), handoff=False),
]


class FakeServers:
    """Rasa and the bridge on a MockTransport: answers after `delay_s`, records what it got."""

    def __init__(self, delay_s: float = 0.01, fail_every: int = 0) -> None:
        self.delay_s = delay_s
        self.fail_every = fail_every
        self.calls = 0
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight_per_conversation = 0
        self.turns: dict[str, list[str]] = defaultdict(list)
        self.created = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == "http://bridge/api/conversations":
            self.created += 1
            return httpx.Response(201, json={"id": f"c{self.created}"})
        self.calls += 1
        fail = bool(self.fail_every) and self.calls % self.fail_every == 0
        body = json.loads(request.content)
        if "/model/parse" in url:
            assert request.url.params["token"] == "tok"
            await asyncio.sleep(self.delay_s)
            return httpx.Response(200, json={"intent": {"name": "greet"}})
        if "/webhooks/rest/webhook" in url:
            conversation, turn = body["sender"], body["message"]
            reply: object = [{"text": "ok"}]
        else:
            conversation = url.split("/")[-2]
            turn = body.get("text") or body["payload"]
            assert ("payload" in body) == turn.startswith("/")
            reply = {"replies": [{"text": "ok", "buttons": []}]}
        self.in_flight[conversation] += 1
        self.max_in_flight_per_conversation = max(self.max_in_flight_per_conversation, self.in_flight[conversation])
        self.turns[conversation].append(turn)
        await asyncio.sleep(self.delay_s)
        self.in_flight[conversation] -= 1
        if fail:
            return httpx.Response(503, json={"detail": "weg"})
        return httpx.Response(200, json=reply)


def _client(servers: FakeServers) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(servers.handle))


def test_poisson_schedule_has_the_rate_and_exponential_gaps() -> None:
    schedule = poisson_schedule(20.0, 500.0, random.Random(1))
    assert 9500 < len(schedule) < 10500
    gaps = [b - a for a, b in zip(schedule, schedule[1:], strict=False)]
    # exponential: mean ≈ standard deviation ≈ 1/rate
    assert statistics.mean(gaps) == pytest.approx(0.05, rel=0.05)
    assert statistics.stdev(gaps) == pytest.approx(0.05, rel=0.08)
    assert schedule == poisson_schedule(20.0, 500.0, random.Random(1))


@pytest.mark.parametrize("path", ["direct", "bridge"])
def test_open_loop_keeps_each_conversation_in_order(path: str) -> None:
    servers = FakeServers(delay_s=0.05)

    async def run() -> StepResult:
        async with _client(servers) as client:
            schedule = poisson_schedule(60.0, 1.0, random.Random(3))
            ids = await create_conversations(client, "http://bridge", len(schedule))
            pool = ConversationPool(scenario_stream(SCENARIOS, seed=1), ids, "http://bridge")
            result = StepResult(path, "open", 60.0, 0.0)
            return await open_loop(client, job_factory(path, ENDPOINTS, pool, None), result, schedule)

    result = asyncio.run(run())
    assert result.offered == len(result.latencies_s) > 30
    assert not result.errors
    assert servers.max_in_flight_per_conversation == 1  # never two turns of one person at once
    by_scenario = {s.turns[0]: s.turns for s in SCENARIOS}
    for turns in servers.turns.values():
        assert tuple(turns) == by_scenario[turns[0]][: len(turns)]
    assert min(result.latencies_s) >= 0.05


def test_open_loop_does_not_wait_for_slow_replies() -> None:
    servers = FakeServers(delay_s=0.5)  # far slower than the gaps between arrivals

    async def run() -> StepResult:
        async with _client(servers) as client:
            result = StepResult("parse", "open", 40.0, 0.0)
            texts = iter(["hallo"] * 1000)
            schedule = poisson_schedule(40.0, 1.0, random.Random(5))
            return await open_loop(client, job_factory("parse", ENDPOINTS, None, texts), result, schedule)

    result = asyncio.run(run())
    # open loop: ~40 requests in ~1.5 s, not 40 × 0.5 s one after the other
    assert result.offered > 25 and result.duration_s < 2.0


def test_errors_are_counted_by_kind_and_not_as_latencies() -> None:
    servers = FakeServers(delay_s=0.0, fail_every=4)

    async def run() -> StepResult:
        async with _client(servers) as client:
            ids = await create_conversations(client, "http://bridge", 2)
            pool = ConversationPool(scenario_stream(SCENARIOS, seed=1), ids, "http://bridge")
            result = StepResult("bridge", "closed", None, 0.0, clients=2)
            return await closed_loop(client, job_factory("bridge", ENDPOINTS, pool, None), result, 2, 0.3)

    result = asyncio.run(run())
    summary = result.summary()
    assert summary["error_kinds"] == {"http_503": summary["errors"]}
    assert summary["errors"] == summary["offered"] // 4
    assert summary["ok"] + summary["errors"] == summary["offered"]
    # the pool ran out of its two ids and created more conversations while running
    assert servers.created > 2
