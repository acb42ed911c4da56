"""Several Rasa servers behind one client: each conversation to its own server, health checks, failover.

Sticky routing: every call about a conversation goes to the same Rasa server, chosen by rendezvous
hashing of the conversation id (the same in every bridge worker, no shared state). So one Rasa
server handles a conversation's turns one after another, and the default profile's servers need no
shared lock store (Rasa's in-memory one suffices): they share only the trackers, in one SQLite file
(WAL). When a server fails, its conversations spread over the others (each to its next choice) and
the rest stay where they are; the tracker store is shared, so they go on with their slots, and they
return once the server is back. In the production profile the trackers are on PostgreSQL and the
lock store on Redis (endpoints.productie.yml), which also covers a conversation moving mid-turn.
Each Rasa server calls its own action server (they pair up by position; in the default profile all
call the one); a pair counts as healthy only when both answer, because a Rasa server whose action
server is gone still answers, but silently skips every custom action.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from bridge.core.logging import log_event
from bridge.services.rasa_client import RasaClient, RasaUnavailable

# Errors after which the message certainly did not reach a working Rasa server, or the server
# died while handling it. Rasa saves the tracker only at the end of handling a message, so a
# server killed mid-message left nothing behind and the next server can take the message over.
# A read timeout is not in this list: that server is alive and may still finish the message,
# and sending it again elsewhere would handle it twice.
_NOT_HANDLED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.RemoteProtocolError, httpx.ReadError)
# Statuses of a server that is starting, overloaded or behind a proxy that lost it.
_RETRY_STATUSES = {502, 503, 504}
HEALTH_TIMEOUT_SECONDS = 2.0


@dataclass
class RasaInstance:
    """One Rasa server and the action server it calls."""

    rasa_url: str
    actions_url: str | None = None


@dataclass
class _Member:
    instance: RasaInstance
    http: httpx.Client
    down_until: float = 0.0  # monotonic time before which the member is skipped
    failures: int = 0  # consecutive failures; > 0 means out of the rotation


def _preference(conversation: str, member: int) -> bytes:
    """Rendezvous weight of a server for a conversation: a stable hash (Python's hash() differs per process)."""
    return hashlib.blake2b(f"{member}:{conversation}".encode(), digest_size=8).digest()


class RasaPool(RasaClient):
    """Sends each conversation to its own Rasa server; a failed server is skipped for `retry_after` s.
    Calls without a conversation go round-robin."""

    def __init__(
        self,
        instances: Sequence[RasaInstance],
        token: str,
        timeout: float = 10.0,
        *,
        retry_after: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not instances:
            raise ValueError("a Rasa pool needs at least one Rasa server")
        self._token = token
        self._retry_after = retry_after
        self._clock = clock
        self._transport = transport
        self._members = [
            _Member(i, httpx.Client(base_url=i.rasa_url, timeout=timeout, transport=transport)) for i in instances
        ]
        self._turns = itertools.count()
        self._lock = threading.Lock()

    def close(self) -> None:
        for member in self._members:
            member.http.close()

    @property
    def instances(self) -> list[RasaInstance]:
        """The Rasa servers of this pool, in configuration order."""
        return [m.instance for m in self._members]

    def home(self, conversation: str) -> RasaInstance:
        """The server a conversation goes to while every server is up."""
        return self._preferred(conversation)[0].instance

    def _preferred(self, conversation: str | None) -> list[_Member]:
        if conversation is None:
            with self._lock:
                start = next(self._turns) % len(self._members)
            return self._members[start:] + self._members[:start]
        ranked = sorted(range(len(self._members)), key=lambda i: _preference(conversation, i), reverse=True)
        return [self._members[i] for i in ranked]

    def _order(self, conversation: str | None = None) -> list[_Member]:
        """This call's try order: the conversation's servers by preference (round-robin without one),
        members marked down last (a last resort, in the same order)."""
        preferred = self._preferred(conversation)
        now = self._clock()
        return [m for m in preferred if m.down_until <= now] + [m for m in preferred if m.down_until > now]

    def _mark(self, member: _Member, ok: bool, reason: str = "") -> None:
        index = self._members.index(member)
        if ok:
            if member.failures:
                log_event("ED-3004", instance=index)
            member.failures, member.down_until = 0, 0.0
            return
        if not member.failures:
            log_event("ED-3003", instance=index, reason=reason)
        member.failures += 1
        member.down_until = self._clock() + self._retry_after

    def _request(
        self, method: str, path: str, *, idempotent: bool, conversation: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Try the members in order until one answers; idempotent calls also move on after a timeout."""
        last_error: Exception | None = None
        for member in self._order(conversation):
            try:
                response = member.http.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                last_error = error
                retry = idempotent or isinstance(error, _NOT_HANDLED)
                self._mark(member, ok=False, reason=type(error).__name__)
                if retry:
                    continue
                raise RasaUnavailable(str(error)) from error
            if response.status_code in _RETRY_STATUSES or (idempotent and response.status_code >= 500):
                last_error = httpx.HTTPStatusError(
                    f"status {response.status_code}", request=response.request, response=response
                )
                self._mark(member, ok=False, reason=f"status {response.status_code}")
                continue
            try:
                response.raise_for_status()
            except httpx.HTTPStatusError as error:  # 4xx/500 from a live server: its answer, not an outage
                raise RasaUnavailable(str(error)) from error
            self._mark(member, ok=True)
            return response
        raise RasaUnavailable(f"no Rasa server answered: {last_error}")

    def _member_healthy(self, member: _Member) -> bool:
        try:
            if member.http.get("/", timeout=HEALTH_TIMEOUT_SECONDS).status_code != 200:
                return False
            actions_url = member.instance.actions_url
            if actions_url is None:
                return True
            # The action server gets the same transport, so tests can fake both sides.
            with httpx.Client(timeout=HEALTH_TIMEOUT_SECONDS, transport=self._transport) as http:
                return http.get(f"{actions_url}/health").status_code == 200
        except httpx.HTTPError:
            return False

    def check_health(self) -> list[bool]:
        """Probe every Rasa server and its action server; unhealthy ones leave the rotation."""
        results = []
        for member in self._members:
            healthy = self._member_healthy(member)
            self._mark(member, ok=healthy, reason="health check")
            results.append(healthy)
        return results

    def is_healthy(self) -> bool:
        """True when at least one Rasa server with its action server answers."""
        return any(self.check_health())


def make_rasa_client(
    rasa_urls: Sequence[str],
    actions_urls: Sequence[str],
    token: str,
    timeout: float,
    retry_after: float,
) -> RasaClient:
    """One server: the plain client (unchanged behaviour); several: a pool pairing action servers
    (one action server: all Rasa servers call it)."""
    if len(rasa_urls) == 1:
        return RasaClient(rasa_urls[0], token, timeout)
    instances = [RasaInstance(url, actions_urls[i % len(actions_urls)]) for i, url in enumerate(rasa_urls)]
    return RasaPool(instances, token, timeout, retry_after=retry_after)
