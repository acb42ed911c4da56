"""BridgeClient against a real local HTTP server: paths, auth, timeouts and errors."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Awaitable, Callable, Dict, List

import pytest
from aiohttp import web

from bot.actions.bridge_client import BridgeClient, BridgeUnavailable, NotFound
from bot.actions.settings import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _with_server(
    routes: List[web.RouteDef], test: Callable[[BridgeClient], Awaitable[Any]], timeout: float = 2.0
) -> Any:
    """Start an aiohttp app on a free port, run `test` with a client for it, stop the app."""
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        settings = Settings(
            bridge_url=f"http://127.0.0.1:{port}", bridge_service_token="geheim", bridge_timeout_seconds=timeout
        )
        client = BridgeClient(settings)
        try:
            return await test(client)
        finally:
            await client.close()
    finally:
        await runner.cleanup()


def test_regelingen_query_drops_empty_values_and_accepts_a_wrapped_list():
    seen: Dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen.update(request.query)
        return web.json_response({"regelingen": [{"slug": "werkcentrum"}], "count": 1})

    result = asyncio.run(
        _with_server(
            [web.get("/api/regelingen", handler)],
            lambda client: client.find_regelingen({"rol": "werkende", "sector": None, "gemeente": "Almere"}),
        )
    )
    assert result == {"regelingen": [{"slug": "werkcentrum"}], "count": 1, "oo_fondsen": [], "sector": None}
    assert seen == {"rol": "werkende", "gemeente": "Almere"}


def test_handoff_sends_the_service_token():
    seen: Dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["auth"] = request.headers.get("Authorization")
        seen["body"] = await request.json()
        return web.json_response({"id": "x", "queue": "Gemeente Almere", "status": "wacht_op_medewerker"}, status=201)

    result = asyncio.run(
        _with_server(
            [web.post("/internal/handoffs", handler)],
            lambda client: client.create_handoff({"conversation_id": "c", "reden": "gevraagd", "intake": {}}),
        )
    )
    assert result["queue"] == "Gemeente Almere"
    assert seen == {"auth": "Bearer geheim", "body": {"conversation_id": "c", "reden": "gevraagd", "intake": {}}}


def test_public_calls_send_no_token():
    seen: Dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["auth"] = request.headers.get("Authorization")
        return web.json_response({"arrangeur": "uwv", "uitleg": "...", "ontbreekt": [], "loket": None})

    asyncio.run(_with_server([web.post("/api/arrangeur", handler)], lambda client: client.find_arrangeur({})))
    assert seen == {"auth": None}


def test_404_is_not_found():
    with pytest.raises(NotFound):
        asyncio.run(_with_server([], lambda client: client.get_regeling("bestaat-niet")))


def test_server_error_is_unavailable():
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=500, text="kapot")

    with pytest.raises(BridgeUnavailable):
        asyncio.run(_with_server([web.get("/api/regelingen/{slug}", handler)], lambda c: c.get_regeling("x")))


def test_slow_bridge_times_out():
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    with pytest.raises(BridgeUnavailable):
        asyncio.run(
            _with_server([web.get("/api/regelingen/{slug}", handler)], lambda c: c.get_regeling("x"), timeout=0.2)
        )


def test_nobody_listening_is_unavailable():
    client = BridgeClient(Settings(bridge_url=f"http://127.0.0.1:{_free_port()}", bridge_timeout_seconds=1))

    async def ask_and_close() -> None:
        try:
            await client.find_arrangeur({})
        finally:
            await client.close()

    with pytest.raises(BridgeUnavailable):
        asyncio.run(ask_and_close())


def test_calls_reuse_one_connection():
    peers: List[Any] = []

    async def handler(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"slug": "x"})

    async def three_calls(client: BridgeClient) -> None:
        for _ in range(3):
            await client.get_regeling("x")

    asyncio.run(_with_server([web.get("/api/regelingen/{slug}", handler)], three_calls))
    assert len(peers) == 3 and len(set(peers)) == 1  # one TCP connection for all three


def test_settings_from_environment(monkeypatch):
    from bot.actions import settings as settings_module

    monkeypatch.setenv("BRIDGE_URL", "http://bridge:9000/")
    monkeypatch.setenv("BRIDGE_SERVICE_TOKEN", "t")
    monkeypatch.setenv("BRIDGE_TIMEOUT_SECONDS", "nonsense")
    settings_module.get_settings.cache_clear()
    try:
        loaded = settings_module.get_settings()
    finally:
        settings_module.get_settings.cache_clear()
    assert loaded == Settings(bridge_url="http://bridge:9000", bridge_service_token="t", bridge_timeout_seconds=5.0)
