"""bot/rasa_server.py: each fix keeps Rasa's behaviour and does what it claims."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings
from pathlib import Path
from typing import Any, Dict, List

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


MODEL_POINTER = Path(__file__).resolve().parents[2] / "models" / "CURRENT"
PROBES = ["ik zit in de ww en wil een opleiding doen", "Ik ben werkgever in de bouw in Zwolle",
          "kan ik loonkostensubsidie krijgen", "ik woon in Den Bosch", "ik wil iemand spreken", "nee"]


def _answers_of_the_trained_model() -> List[Any]:
    """NLU parse and the policies' next-action scores for the probes, from a freshly loaded model."""
    from rasa.core.agent import Agent
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    agent = Agent.load(str(MODEL_POINTER.parent / MODEL_POINTER.read_text().strip()))
    answers: List[Any] = []
    for text_ in PROBES:
        parsed = asyncio.run(agent.parse_message(text_))
        tracker = DialogueStateTracker.from_events(
            "probe", [ActionExecuted("action_listen"), UserUttered(text_, parsed["intent"], parsed["entities"])],
            slots=agent.domain.slots,
        )
        scores = agent.processor.predict_next_with_tracker(tracker)["scores"]  # type: ignore[index]
        answers.append((
            parsed["intent"]["name"], round(parsed["intent"]["confidence"], 5),
            sorted((e["entity"], e["value"]) for e in parsed["entities"]),
            [(s["action"], round(s["score"], 5)) for s in scores[:5]],
        ))
    # DIET and TED predict through graph functions, not eagerly (that would be slower per message).
    from rasa.utils.tensorflow.models import RasaModel

    answers.append(sorted({bool(o.run_eagerly) for o in gc.get_objects() if isinstance(o, RasaModel)}))
    return answers


def test_eager_build_loads_the_same_model(restore_rasa: None, monkeypatch: pytest.MonkeyPatch) -> None:
    if not MODEL_POINTER.exists():
        pytest.skip("no trained model (models/CURRENT): `make train` first")
    from rasa.utils.tensorflow.models import RasaModel

    as_rasa_loads_it = _answers_of_the_trained_model()
    monkeypatch.setattr(RasaModel, "load", RasaModel.load)  # undone after the test
    rasa_server.install_eager_build()
    assert _answers_of_the_trained_model() == as_rasa_loads_it
