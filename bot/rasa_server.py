"""Rasa's own command line (`python -m bot.rasa_server run ...` = `rasa run ...`) with four measured fixes.

Profiled with py-spy under load (bench/README.md, "Profiel"), the Rasa 3.6 server spent its CPU on:

1. Checking action server answers. `RemoteAction._validate_action_result` calls `jsonschema.validate`,
   which first validates the *schema itself* against the JSON Schema meta-schema, on every custom-action
   call: 47 % of the Rasa process's CPU. Here the validator is built once; each answer is checked against
   the same schema and fails with the same error and message as before.
2. Waiting for the disk. The SQLite tracker store commits with SQLite's defaults (rollback journal,
   synchronous=FULL): an fsync per turn inside the event loop. WAL with synchronous=NORMAL is safe
   against a crash of the process (the default profile's risk); only a power cut can lose the last turn,
   whose user message the bridge has stored already. PostgreSQL (production profile) is not touched.
3. Connecting. `EndpointConfig.request` opens a new aiohttp session, so a new TCP connection, for every
   call to the action server (7 % of the CPU). Here each endpoint keeps one session open; idle
   connections are dropped after 2 s, before the action server's 5 s keep-alive ends, so a request
   never goes out on a connection the server is closing.
4. Starting. Loading the model took most of the cold start (57 s): Rasa builds each TensorFlow model
   by fitting it one step before loading the weights, and tracing that training graph is the cost.
   Here that one step runs eagerly: 15 s instead of 50 s, the same weights and the same predictions
   (tests/bot/test_rasa_server.py compares NLU and policy scores of both ways of loading).

5. The first message. TensorFlow builds parts of its graphs and spaCy and the NLU components
   initialise on first use, so the first person after a (re)start waited for that. Here the agent
   parses one message and predicts one turn on a throw-away tracker (nothing is stored) before the
   server reports the model loaded (`GET /status`), so readiness means warmed up (issue 18).

6. TED where it can change the answer. Rasa runs every policy for every prediction (two or three per
   turn) and then picks the best. A rule or a memorised story that predicts with confidence 1.0 always
   wins over TED (TED's confidence is at most 1.0 and its priority is lower, ties go to priority), unless
   TED is end-to-end (text features) or the last action was rejected (the ensemble zeroes it). Here
   the graph runner runs the rule and memoization policies first and, when one of them decides that
   way, hands the ensemble TED's own empty prediction instead of running TED's TensorFlow model; the
   chosen action, its policy, confidence and events are the same (story tests, tests/bot). Measured with
   `make bench-tuning` (bench/results/2026-12-07-1502-tuning.md) it did not lower Rasa's CPU per message
   (40.0 against 39.9 ms): TED's call is not where the time goes once the rest is fixed. So it is not on by
   default (`RASA_SERVER_FIXES=...,lazy-ted` turns it on).

TensorFlow's thread pools stay TensorFlow's own: Rasa's settings for them (`TF_INTER_OP_PARALLELISM_THREADS`,
`TF_INTRA_OP_PARALLELISM_THREADS`) at 1 / 1 did not change the CPU per message (`make bench-tuning`,
variant tf-threads-1), so the default profile does not set them.

Everything else is `rasa` itself: same arguments, same process.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from typing import Any, Dict, Iterable, Optional, Text

import aiohttp
from jsonschema import exceptions, validators
from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _cached_result_validator() -> Any:
    """A validator for action server answers, with the schema checked once (as jsonschema.validate does)."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install_action_result_validator() -> None:
    """Replace RemoteAction._validate_action_result with the same check on a validator built once."""
    validator = _cached_result_validator()

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        error = exceptions.best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def install_sqlite_wal() -> None:
    """WAL + synchronous=NORMAL on every SQLite connection of this process (the tracker store)."""
    if not event.contains(Engine, "connect", _sqlite_wal):
        event.listen(Engine, "connect", _sqlite_wal)


def install_eager_build() -> None:
    """RasaModel.load builds each model by fitting it one step on an example before loading its weights.
    Run that one step eagerly: the weights get their shapes all the same, and TensorFlow does not trace
    the whole training graph first. Prediction still goes through Rasa's own tf.function."""
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel.load.__func__

    def load(
        cls: Any,
        model_file_name: Text,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if finetune_mode:  # `rasa train --finetune` keeps Rasa's own path
            return original(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        # Back to the model's own setting: Rasa's predictions read it and are graph functions by default.
        model.run_eagerly = config.get(RUN_EAGERLY)
        model.load_weights(model_file_name)
        if predict_data_example:
            model.run_inference(predict_data_example)  # traces the prediction function, as Rasa does
        return model

    RasaModel.load = classmethod(load)


WARM_UP_TEXT = "Hallo, ik zoek werk in de zorg in Almere"


async def warm_up(agent: Any) -> None:
    """One NLU parse and one policy prediction on a tracker that is never saved."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    processor = agent.processor
    if processor is None:
        return
    parsed = await processor.parse_message(UserMessage(WARM_UP_TEXT, sender_id="warm-up"))
    events = [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered(WARM_UP_TEXT, parsed.get("intent"), parsed.get("entities"), parsed),
    ]
    tracker = DialogueStateTracker.from_events("warm-up", events, slots=processor.domain.slots)
    processor.predict_next_with_tracker(tracker)


def install_warm_up() -> None:
    """rasa.core.agent.load_agent (what `rasa run` calls at start) warms the agent up before returning it."""
    import logging

    import rasa.core.agent as agent_module

    original = agent_module.load_agent

    async def load_agent(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        if agent is not None and agent.is_ready():
            try:
                await warm_up(agent)
            except Exception:  # a warm-up must never keep the server from starting
                logging.getLogger(__name__).exception("warm-up failed; the first message pays for it")
        return agent

    agent_module.load_agent = load_agent


class _LazyTedPlan:
    """Where TED and the policies that can outvote it sit in one graph (None: nothing to skip there)."""

    def __init__(self, ted_node: str, cheap_nodes: list, ted: Any) -> None:
        self.ted_node, self.cheap_nodes, self.ted = ted_node, cheap_nodes, ted


def _lazy_ted_plan(runner: Any, targets: Any) -> Optional[_LazyTedPlan]:
    from rasa.core.policies.ensemble import PolicyPredictionEnsemble
    from rasa.core.policies.policy import Policy
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.shared.nlu.constants import TEXT

    key = tuple(targets or ())
    cache = runner.__dict__.setdefault("_lazy_ted_plans", {})
    if key in cache:
        return cache[key]
    plan = None
    nodes = runner._graph_schema.minimal_graph_schema(list(key)).nodes if key else {}
    ensembles = [n for n, node in nodes.items() if issubclass(node.uses, PolicyPredictionEnsemble)]
    teds = [n for n, node in nodes.items() if issubclass(node.uses, TEDPolicy)]
    policies = [n for n, node in nodes.items() if issubclass(node.uses, Policy)]
    if len(ensembles) == 1 and len(teds) == 1 and key == (ensembles[0],):
        ted = getattr(runner._instantiated_nodes[teds[0]], "_component", None)
        # only a plain intent-based TED: never end-to-end, never "no user"
        if ted is not None and type(ted) is TEDPolicy and TEXT not in ted.fake_features and not ted.only_e2e:
            cheap = [n for n in policies if n != teds[0]]
            if cheap and all(nodes[n].uses.__name__ in ("RulePolicy", "MemoizationPolicy") for n in cheap):
                plan = _LazyTedPlan(teds[0], cheap, ted)
    cache[key] = plan
    return plan


def _last_action_rejected(tracker: Any) -> bool:
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected

    for recorded in reversed(tracker.events):
        if isinstance(recorded, (ActionExecutionRejected, ActionExecuted)):
            return isinstance(recorded, ActionExecutionRejected)
    return False


def install_lazy_ted() -> None:
    """DaskGraphRunner.run for a prediction: rule and memoization policies first, TED only when needed."""
    import dask
    from dask.optimization import cull
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.engine.runner.dask import DaskGraphRunner

    original = DaskGraphRunner.run

    def run(self: Any, inputs: Any = None, targets: Any = None) -> Any:
        plan = _lazy_ted_plan(self, targets)
        tracker = (inputs or {}).get(PLACEHOLDER_TRACKER)
        if plan is None or tracker is None or _last_action_rejected(tracker):
            return original(self, inputs, targets)
        graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(list(targets)))
        self._add_inputs_to_graph(inputs, graph)
        # dask's local scheduler runs every task it is given: cull to what the keys need
        cheap = dask.get(cull(graph, plan.cheap_nodes)[0], plan.cheap_nodes)  # type: ignore[attr-defined]  # each (node name, prediction)
        predictions = [value for _, value in cheap]
        if not any(isinstance(p, PolicyPrediction) and p.max_confidence >= 1.0 for p in predictions):
            return original(self, inputs, targets)
        for name, value in cheap:
            graph[name] = (name, value)  # a literal: computed, not run again
        # TED's own prediction when it has no answer: all zeros, its name and priority
        graph[plan.ted_node] = (plan.ted_node, plan.ted._prediction([0.0] * len(predictions[0].probabilities)))
        return dict(dask.get(cull(graph, list(targets))[0], list(targets)))  # type: ignore[attr-defined]

    DaskGraphRunner.run = run


IDLE_CONNECTION_SECONDS = 2.0  # below Sanic's default KEEP_ALIVE_TIMEOUT of 5 s


class _KeptSession:
    """`async with` gives the endpoint's open session and leaves it open for the next request."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def install_kept_sessions() -> None:
    """EndpointConfig.session() returns one long-lived session per endpoint and event loop."""

    def session(self: EndpointConfig) -> _KeptSession:
        loop = asyncio.get_running_loop()
        kept: Optional[aiohttp.ClientSession] = self.__dict__.get("_kept_session")
        if kept is None or kept.closed or self.__dict__.get("_kept_loop") is not loop:
            auth = None
            if self.basic_auth:
                auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            kept = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
            )
            self.__dict__.update(_kept_session=kept, _kept_loop=loop)
        return _KeptSession(kept)

    EndpointConfig.session = session


FIXES = {
    "validator": install_action_result_validator,
    "sqlite-wal": install_sqlite_wal,
    "kept-sessions": install_kept_sessions,
    "eager-build": install_eager_build,
    "warm-up": install_warm_up,
    "lazy-ted": install_lazy_ted,
}


def install(names: Iterable[str]) -> None:
    """Install the named fixes (unknown names are an error, not silently ignored)."""
    for name in names:
        if name not in FIXES:
            raise SystemExit(f"RASA_SERVER_FIXES: unknown fix {name!r}; known: {', '.join(FIXES)}")
        FIXES[name]()


# What pays (measured, bench/README.md); bench/tuning.py switches every fix on one by one to measure each.
DEFAULT_FIXES = ("validator", "sqlite-wal", "kept-sessions", "eager-build", "warm-up")


def main() -> None:
    wanted = os.environ.get("RASA_SERVER_FIXES", ",".join(DEFAULT_FIXES))
    install(name for name in wanted.split(",") if name.strip())
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
