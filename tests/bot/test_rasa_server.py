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
    assert all(
        outcome[0] == "error" and "Failed to validate Action server response" in outcome[1]
        for outcome in after[len(VALID) :]
    )


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


def test_lazy_ted_is_measured_but_not_on_by_default() -> None:
    assert set(rasa_server.DEFAULT_FIXES) == set(rasa_server.FIXES) - {"lazy-ted"}


def test_unknown_fix_is_refused() -> None:
    with pytest.raises(SystemExit, match="unknown fix 'sneller'"):
        rasa_server.install(["sneller"])


MODEL_POINTER = Path(__file__).resolve().parents[2] / "models" / "CURRENT"
PROBES = [
    "ik zit in de ww en wil een opleiding doen",
    "Ik ben werkgever in de bouw in Zwolle",
    "kan ik loonkostensubsidie krijgen",
    "ik woon in Den Bosch",
    "ik wil iemand spreken",
    "nee",
]


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
            "probe",
            [ActionExecuted("action_listen"), UserUttered(text_, parsed["intent"], parsed["entities"])],
            slots=agent.domain.slots,
        )
        scores = agent.processor.predict_next_with_tracker(tracker)["scores"]  # type: ignore[index]
        answers.append(
            (
                parsed["intent"]["name"],
                round(parsed["intent"]["confidence"], 5),
                sorted((e["entity"], e["value"]) for e in parsed["entities"]),
                [(s["action"], round(s["score"], 5)) for s in scores[:5]],
            )
        )
    # DIET and TED predict through graph functions, not eagerly (that would be slower per message).
    from rasa.utils.tensorflow.models import RasaModel

    answers.append(sorted({bool(o.run_eagerly) for o in gc.get_objects() if isinstance(o, RasaModel)}))
    return answers


@pytest.mark.model
def test_eager_build_loads_the_same_model(restore_rasa: None, monkeypatch: pytest.MonkeyPatch) -> None:
    if not MODEL_POINTER.exists():
        pytest.skip("no trained model (models/CURRENT): `make train` first")
    from rasa.utils.tensorflow.models import RasaModel

    as_rasa_loads_it = _answers_of_the_trained_model()
    monkeypatch.setattr(RasaModel, "load", RasaModel.load)  # undone after the test
    rasa_server.install_eager_build()
    assert _answers_of_the_trained_model() == as_rasa_loads_it


def _predictions_along_the_probes(agent: Any) -> List[Any]:
    """For every probe: the predicted action, then the next one after it, three steps (policy, confidence, scores)."""
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    out: List[Any] = []
    for text_ in PROBES:
        parsed = asyncio.run(agent.parse_message(text_))
        events: List[Any] = [ActionExecuted("action_listen"), UserUttered(text_, parsed["intent"], parsed["entities"])]
        for _ in range(3):
            tracker = DialogueStateTracker.from_events("probe", events, slots=agent.domain.slots)
            prediction = agent.processor.predict_next_with_tracker(tracker)
            best = max(prediction["scores"], key=lambda s: s["score"])["action"]
            out.append(
                (
                    text_,
                    best,
                    prediction["policy"],
                    round(prediction["confidence"], 5),
                    [(s["action"], round(s["score"], 5)) for s in prediction["scores"]],
                )
            )
            if best == "action_listen":
                break
            events.append(ActionExecuted(best))
        # a rejected action (a form that could not fill its slot): the ensemble zeroes it, TED must run
        tracker = DialogueStateTracker.from_events(
            "probe",
            [*events[:2], ActionExecutionRejected(out[-1][1] if out[-1][1] != "action_listen" else "utter_greet")],
            slots=agent.domain.slots,
        )
        prediction = agent.processor.predict_next_with_tracker(tracker)
        out.append(
            (
                text_,
                "rejected",
                prediction["policy"],
                round(prediction["confidence"], 5),
                [(s["action"], round(s["score"], 5)) for s in prediction["scores"]],
            )
        )
    return out


def test_lazy_ted_predicts_the_same_and_skips_ted_where_a_rule_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    if not MODEL_POINTER.exists():
        pytest.skip("no trained model (models/CURRENT): `make train` first")
    from rasa.core.agent import Agent
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.engine.runner.dask import DaskGraphRunner

    runs = []
    original_predict = TEDPolicy.predict_action_probabilities

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return original_predict(self, *args, **kwargs)

    monkeypatch.setattr(TEDPolicy, "predict_action_probabilities", counting)
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)  # undone after the test
    agent = Agent.load(str(MODEL_POINTER.parent / MODEL_POINTER.read_text().strip()))
    as_rasa_predicts = _predictions_along_the_probes(agent)
    ted_runs_before = len(runs)
    runs.clear()
    rasa_server.install_lazy_ted()
    lazy = _predictions_along_the_probes(agent)
    assert lazy == as_rasa_predicts
    assert ted_runs_before == len(as_rasa_predicts)  # Rasa runs TED for every prediction
    rejected = sum(1 for p in lazy if p[1] == "rejected")
    assert len(runs) == rejected  # lazily: TED only where no rule or story decides (here: after a rejection)
    assert {p[2] for p in lazy} >= {"RulePolicy"}
