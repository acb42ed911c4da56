"""Several Rasa servers behind one client: round-robin, health checks, failover to the next.

The Rasa servers share their conversations through the tracker store on PostgreSQL and the
lock store on Redis (endpoints.productie.yml), so any of them can answer any message.
Each Rasa server calls its own action server (they pair up by position); a pair counts as
healthy only when both answer, because a Rasa server whose action server is gone still
answers, but silently skips every custom action.
"""

from __future__ import annotations

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


class RasaPool(RasaClient):
    """Spreads calls over several Rasa servers; a failed server is skipped for `retry_after` s."""

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
        self._next = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        for member in self._members:
            member.http.close()

    @property
    def instances(self) -> list[RasaInstance]:
        """The Rasa servers of this pool, in round-robin order."""
        return [m.instance for m in self._members]

    def _order(self) -> list[_Member]:
        """This call's try order: next in turn first, members marked down last (a last resort)."""
        with self._lock:
            start = self._next
            self._next = (self._next + 1) % len(self._members)
        rotated = self._members[start:] + self._members[:start]
        now = self._clock()
        return [m for m in rotated if m.down_until <= now] + [m for m in rotated if m.down_until > now]

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

    def _request(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        """Try the members in turn until one answers; idempotent calls also move on after a timeout."""
        last_error: Exception | None = None
        for member in self._order():
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
    """One server: the plain client (unchanged behaviour); several: a pool pairing action servers."""
    if len(rasa_urls) == 1:
        return RasaClient(rasa_urls[0], token, timeout)
    instances = [RasaInstance(url, actions_urls[i % len(actions_urls)]) for i, url in enumerate(rasa_urls)]
    return RasaPool(instances, token, timeout, retry_after=retry_after)
