"""bot/rasa_server.py: each fix keeps Rasa's behaviour and does what it claims."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Dict, List

import warnings

import pytest
from aiohttp import web
from jsonschema import ValidationError

with warnings.catch_warnings():  # importing Rasa's core pulls in TensorFlow/JAX, which warn on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import Engine

    from bot import rasa_server

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "rol", "value": "werkende"}], "responses": [{"text": "Hallo"}]},
    {},
]
INVALID = [
    {"events": "geen lijst"},
    {"events": [{"name": "rol"}]},  # an event without "event"
    {"events": [{"event": "slot", "name": "rol", "value": "x", "timestamp": "gisteren"}]},
    {"responses": ["geen object"]},
]


@pytest.fixture
def restore_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the fixes after each test (they patch Rasa's classes for the whole process)."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    yield
    if event.contains(Engine, "connect", rasa_server._sqlite_wal):
        event.remove(Engine, "connect", rasa_server._sqlite_wal)


def _outcome(action: RemoteAction, result: Dict[str, Any]) -> Any:
    try:
        return action._validate_action_result(result)
    except ValidationError as error:
        return ("error", error.message, list(error.absolute_path))


def test_cached_validator_accepts_and_rejects_exactly_as_rasa(restore_rasa: None) -> None:
    action = RemoteAction("action_x", None)
    before = [_outcome(action, result) for result in VALID + INVALID]
    rasa_server.install_action_result_validator()
    after = [_outcome(action, result) for result in VALID + INVALID]
    assert after == before
    assert after[: len(VALID)] == [True] * len(VALID)
    assert all(outcome[0] == "error" and "Failed to validate Action server response" in outcome[1]
               for outcome in after[len(VALID):])


def test_sqlite_connections_use_wal(restore_rasa: None, tmp_path: Any) -> None:
    rasa_server.install_sqlite_wal()
    rasa_server.install_sqlite_wal()  # twice: still one listener
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_endpoint_requests_reuse_one_connection(restore_rasa: None) -> None:
    peers: List[Any] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": [], "auth": request.headers.get("Authorization")})

    async def scenario() -> List[Any]:
        app = web.Application()
        app.add_routes([web.post("/webhook", webhook)])
        runner = web.AppRunner(app)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"Authorization": "Bearer t"})
        try:
            return [await endpoint.request(json={"n": n}) for n in range(3)]
        finally:
            await endpoint.__dict__["_kept_session"].close()
            await runner.cleanup()

    rasa_server.install_kept_sessions()
    answers = asyncio.run(scenario())
    assert [answer["auth"] for answer in answers] == ["Bearer t"] * 3  # the endpoint's headers still go along
    assert len(peers) == 3 and len(set(peers)) == 1


def test_unknown_fix_is_refused() -> None:
    with pytest.raises(SystemExit, match="unknown fix 'sneller'"):
        rasa_server.install(["sneller"])
