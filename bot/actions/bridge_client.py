"""HTTP client from the action server to the bridge (knowledge base, arrangeur, handoffs)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Mapping, Optional, Protocol

import aiohttp

from bot.actions.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class BridgeUnavailable(Exception):
    """The bridge could not be reached or answered with an error."""


class NotFound(Exception):
    """The bridge answered 404 (unknown regeling, or an endpoint that does not exist)."""


class Bridge(Protocol):
    """What the actions need from the bridge; the real client and test fakes implement it."""

    async def find_arrangeur(self, intake: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /api/arrangeur."""

    async def find_regelingen(self, params: Mapping[str, Any]) -> Dict[str, Any]:
        """GET /api/regelingen with the intake: {"regelingen": [...], "oo_fondsen": [...], "sector": ...}."""

    async def get_regeling(self, slug: str) -> Dict[str, Any]:
        """GET /api/regelingen/{slug}."""

    async def create_handoff(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /internal/handoffs."""

    async def rekenhulp_loonkostensubsidie(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /api/rekenhulp/loonkostensubsidie."""


def _search_result(body: Any) -> Dict[str, Any]:
    """The search answer with its list of regelingen, O&O-fondsen and sector advice."""
    result = dict(body) if isinstance(body, dict) else {}
    result["regelingen"] = _regelingen_list(body)
    fondsen = result.get("oo_fondsen")
    result["oo_fondsen"] = [f for f in fondsen if isinstance(f, dict)] if isinstance(fondsen, list) else []
    if not isinstance(result.get("sector"), dict):
        result["sector"] = None
    return result


def _regelingen_list(body: Any) -> List[Dict[str, Any]]:
    """Accept a bare list or a list wrapped as data/regelingen/items."""
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict)]
    if isinstance(body, dict):
        for key in ("regelingen", "data", "items", "results"):
            if isinstance(body.get(key), list):
                return [item for item in body[key] if isinstance(item, dict)]
    return []


class BridgeClient:
    """Talks to the bridge over HTTP with a short timeout."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        """Use the given settings, or the ones from the environment."""
        self._settings = settings or get_settings()
        self._session: Optional[aiohttp.ClientSession] = None
        self._session_loop: Optional[asyncio.AbstractEventLoop] = None

    def _open_session(self) -> aiohttp.ClientSession:
        """One session per event loop, so calls reuse their connections to the bridge."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # Idle connections go after 2 s, before uvicorn's 5 s keep-alive closes them server-side.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(keepalive_timeout=2.0))
            self._session_loop = loop
        return self._session

    async def close(self) -> None:
        """Close the open connections (tests; the action server keeps them for its lifetime)."""
        if self._session is not None:
            await self._session.close()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Optional[Mapping[str, Any]] = None,
        internal: bool = False,
    ) -> Any:
        """Send one request; map network trouble and 5xx to BridgeUnavailable, 404 to NotFound."""
        headers = {"Accept": "application/json"}
        if internal:
            headers["Authorization"] = f"Bearer {self._settings.bridge_service_token}"
        timeout = aiohttp.ClientTimeout(total=self._settings.bridge_timeout_seconds)
        url = f"{self._settings.bridge_url}{path}"
        try:
            async with self._open_session().request(
                method, url, params=params, json=json, headers=headers, timeout=timeout
            ) as response:
                if response.status == 404:
                    raise NotFound(path)
                if response.status >= 400:
                    # Log the status only: bodies may echo what the user typed.
                    logger.warning(
                        "bridge_error method=%s path=%s status=%s",
                        method,
                        path.split("?")[0],
                        response.status,
                    )
                    raise BridgeUnavailable(f"{method} {path}: {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            # On Python 3.10 asyncio.TimeoutError is not the builtin TimeoutError.
            logger.warning("bridge_unreachable method=%s error=%s", method, type(error).__name__)
            raise BridgeUnavailable(str(error)) from error

    async def find_arrangeur(self, intake: Mapping[str, Any]) -> Dict[str, Any]:
        """Ask the arrangeur rules who is responsible for this intake."""
        body = await self._request("POST", "/api/arrangeur", json=dict(intake))
        return body if isinstance(body, dict) else {}

    async def find_regelingen(self, params: Mapping[str, Any]) -> Dict[str, Any]:
        """Regelingen that fit the intake (best first), plus the sector's O&O-fondsen."""
        clean = {key: value for key, value in params.items() if value}
        return _search_result(await self._request("GET", "/api/regelingen", params=clean))

    async def get_regeling(self, slug: str) -> Dict[str, Any]:
        """One regeling by slug (raises NotFound for an unknown slug)."""
        body = await self._request("GET", f"/api/regelingen/{slug}")
        return body if isinstance(body, dict) else {}

    async def create_handoff(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        """Store a handoff case; returns its id, queue and status."""
        body = await self._request("POST", "/internal/handoffs", json=dict(payload), internal=True)
        return body if isinstance(body, dict) else {}

    async def rekenhulp_loonkostensubsidie(self, payload: Mapping[str, Any]) -> Dict[str, Any]:
        """Indicative loonkostensubsidie per month for the given loonwaarde, hours and wage."""
        body = await self._request("POST", "/api/rekenhulp/loonkostensubsidie", json=dict(payload))
        return body if isinstance(body, dict) else {}
