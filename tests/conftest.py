"""Shared test fixtures: databases on SQLite and on the local PostgreSQL."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import eventlog

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _postgres_available() -> bool:
    engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def _redis_available() -> bool:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextmanager
def empty_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database: a SQLite file in `directory`, or a fresh PostgreSQL database (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'bridge.db'}"
        return
    if not _postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432; PostgreSQL variant skipped")
    name = f"elkedeur_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database per test, on SQLite and on PostgreSQL."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Logging configured into a buffer (pseudonym key "eventlog-test"); the root logger restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in eventlog.NOISY_LOGGERS}
    stream = io.StringIO()
    handler = eventlog.configure_logging(logging.DEBUG, pseudonym_key="eventlog-test", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("uvicorn.access").disabled = False
