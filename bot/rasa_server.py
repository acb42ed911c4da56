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

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


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

    original = RasaModel.load.__func__  # type: ignore[attr-defined]

    def load(cls: Any, model_file_name: Text, model_data_example: Any, predict_data_example: Any = None,
             finetune_mode: bool = False, *args: Any, **kwargs: Any) -> Any:
        if finetune_mode:  # `rasa train --finetune` keeps Rasa's own path
            return original(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                            *args, **kwargs)
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

    RasaModel.load = classmethod(load)  # type: ignore[assignment]


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

    EndpointConfig.session = session  # type: ignore[assignment]


FIXES = {
    "validator": install_action_result_validator,
    "sqlite-wal": install_sqlite_wal,
    "kept-sessions": install_kept_sessions,
    "eager-build": install_eager_build,
}


def install(names: Iterable[str]) -> None:
    """Install the named fixes (unknown names are an error, not silently ignored)."""
    for name in names:
        if name not in FIXES:
            raise SystemExit(f"RASA_SERVER_FIXES: unknown fix {name!r}; known: {', '.join(FIXES)}")
        FIXES[name]()


def main() -> None:
    # All fixes by default; bench/tuning.py switches them on one by one to measure each.
    wanted = os.environ.get("RASA_SERVER_FIXES", ",".join(FIXES))
    install(name for name in wanted.split(",") if name.strip())
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
