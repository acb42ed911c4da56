"""Load generators: open-loop Poisson arrivals and closed-loop clients, on three paths.

Paths: `parse` (Rasa /model/parse, the NLU floor), `direct` (Rasa REST webhook, which calls
the action server) and `bridge` (POST /api/conversations/{id}/messages, which calls Rasa).
A conversation's turns are strictly sequential: the next turn is only sent after the reply
to the previous one, as a person would. In open loop, each Poisson arrival is the next turn
of a conversation that is waiting for its person (the one waiting longest), or the first
turn of a new conversation when all are busy; so arrivals never wait for replies.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import httpx

from bench.scenarios import Scenario, is_payload
from bench.stats import StepResult

PATHS = ("parse", "direct", "bridge")
Send = Callable[[httpx.AsyncClient], Awaitable[None]]


class BadReply(Exception):
    """The server answered 2xx with a body that is not what the path returns."""


@dataclass(frozen=True)
class Endpoints:
    """Where the three paths are reached."""

    rasa_url: str
    rasa_token: str
    bridge_url: str


def poisson_schedule(rate: float, duration_s: float, rng: random.Random) -> list[float]:
    """Arrival offsets (s) of a Poisson process at `rate` per second within `duration_s`."""
    offsets, t = [], 0.0
    while True:
        t += rng.expovariate(rate)
        if t >= duration_s:
            return offsets
        offsets.append(t)


async def create_conversations(client: httpx.AsyncClient, bridge_url: str, n: int) -> list[str]:
    """Create n bridge conversations (their ids are the Rasa sender ids of both dialogue paths)."""
    semaphore = asyncio.Semaphore(8)

    async def one() -> str:
        async with semaphore:
            response = await client.post(f"{bridge_url}/api/conversations", json={})
            response.raise_for_status()
            return str(response.json()["id"])

    return list(await asyncio.gather(*(one() for _ in range(n))))


@dataclass
class _Cursor:
    scenario: Scenario
    conversation_id: str
    index: int = 0


@dataclass
class ConversationPool:
    """Hands out the next turn of a waiting conversation, or starts a new one."""

    scenarios: Iterator[Scenario]
    ids: list[str]
    bridge_url: str
    started: int = 0
    idle: deque[_Cursor] = field(default_factory=deque)

    async def acquire(self, client: httpx.AsyncClient) -> _Cursor:
        """A conversation whose person is ready to type its next turn."""
        if self.idle:
            return self.idle.popleft()
        if not self.ids:  # ran out of pre-created ids (closed loop only): create one now
            self.ids.extend(await create_conversations(client, self.bridge_url, 1))
        self.started += 1
        return _Cursor(next(self.scenarios), self.ids.pop())

    def release(self, cursor: _Cursor) -> None:
        """The reply arrived: the conversation waits for its next turn, or ends."""
        cursor.index += 1
        if cursor.index < len(cursor.scenario.turns):
            self.idle.append(cursor)


def _check_status(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise httpx.HTTPStatusError(f"{response.status_code}", request=response.request, response=response)


async def send_parse(client: httpx.AsyncClient, endpoints: Endpoints, text: str) -> None:
    """One NLU parse (no dialogue state, no action server)."""
    response = await client.post(
        f"{endpoints.rasa_url}/model/parse", params={"token": endpoints.rasa_token}, json={"text": text}
    )
    _check_status(response)
    if "intent" not in response.json():
        raise BadReply("parse without intent")


async def send_direct(client: httpx.AsyncClient, endpoints: Endpoints, sender: str, turn: str) -> None:
    """One message to Rasa's REST channel (dialogue, actions, tracker store)."""
    response = await client.post(
        f"{endpoints.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": turn}
    )
    _check_status(response)
    if not isinstance(response.json(), list):
        raise BadReply("webhook reply is not a list")


async def send_bridge(client: httpx.AsyncClient, endpoints: Endpoints, conversation_id: str, turn: str) -> None:
    """One message through the public bridge API (stored, sent to Rasa, replies stored)."""
    body = {"payload": turn} if is_payload(turn) else {"text": turn}
    response = await client.post(f"{endpoints.bridge_url}/api/conversations/{conversation_id}/messages", json=body)
    _check_status(response)
    if "replies" not in response.json():
        raise BadReply("bridge reply without replies")


def job_factory(
    path: str, endpoints: Endpoints, pool: ConversationPool | None, texts: Iterator[str] | None
) -> Callable[[httpx.AsyncClient], Awaitable[Send]]:
    """Per arrival: pick what to send now (a turn), return the coroutine that sends it."""

    async def next_job(client: httpx.AsyncClient) -> Send:
        if path == "parse":
            assert texts is not None
            text = next(texts)
            return lambda c: send_parse(c, endpoints, text)
        assert pool is not None
        cursor = await pool.acquire(client)
        turn = cursor.scenario.turns[cursor.index]
        send_one = send_direct if path == "direct" else send_bridge

        async def send(c: httpx.AsyncClient) -> None:
            try:
                await send_one(c, endpoints, cursor.conversation_id, turn)
            finally:
                pool.release(cursor)

        return send

    return next_job


def _error_kind(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"http_{error.response.status_code}"
    return type(error).__name__


async def _timed(client: httpx.AsyncClient, send: Send, t0: float, result: StepResult) -> None:
    loop = asyncio.get_running_loop()
    try:
        await send(client)
    except (httpx.HTTPError, BadReply, ValueError) as error:  # ValueError: body is not JSON
        result.add_error(_error_kind(error))
    else:
        result.latencies_s.append(loop.time() - t0)


async def open_loop(
    client: httpx.AsyncClient,
    next_job: Callable[[httpx.AsyncClient], Awaitable[Send]],
    result: StepResult,
    schedule: list[float],
    max_in_flight: int = 400,
) -> StepResult:
    """Send at the scheduled arrival times, whatever the replies do; latency counts from arrival."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    tasks: set[asyncio.Task[None]] = set()
    for offset in schedule:
        delay = start + offset - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        result.offered += 1
        if len(tasks) >= max_in_flight:  # the system is far past saturation: do not pile on
            result.add_error("dropped_overload")
            continue
        send = await next_job(client)
        task = asyncio.create_task(_timed(client, send, start + offset, result))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    result.duration_s = loop.time() - start
    return result


async def closed_loop(
    client: httpx.AsyncClient,
    next_job: Callable[[httpx.AsyncClient], Awaitable[Send]],
    result: StepResult,
    clients: int,
    duration_s: float,
) -> StepResult:
    """`clients` virtual users without think time, for `duration_s`: the maximum throughput."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + duration_s

    async def user() -> None:
        while loop.time() < deadline:
            send = await next_job(client)
            result.offered += 1
            await _timed(client, send, loop.time(), result)

    await asyncio.gather(*(user() for _ in range(clients)))
    result.duration_s = loop.time() - start
    return result
