"""The real bridge for security tests: migrated database, Rasa and the action server down.

Nothing listens on port 1, so every call to Rasa or the action server fails at once and each
message takes the bridge's own "bot unavailable" path (issue 8). Rate limits are raised so that
hundreds of requests from one test address are answered, not refused with 429.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bridge.core import db
from bridge.core.config import get_settings
from bridge.main import create_app
from tests.bridge.conftest import SERVICE_TOKEN, STAFF_TOKEN, migrate

CLOSED_PORT_URL = "http://127.0.0.1:1"
GENEROUS_LIMIT = "100000/minute"


@dataclass
class Bridge:
    app: FastAPI
    client: TestClient  # runs the app's lifespan; other clients may call the same app


def _clear_caches() -> None:
    for cached in (get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()


@contextmanager
def running_bridge(database_url: str, tracker_db: Path) -> Iterator[Bridge]:
    """The bridge app on a migrated `database_url`, started (lifespan) and stopped again."""
    settings = {
        "DATABASE_URL": database_url,
        "BRIDGE_SERVICE_TOKEN": SERVICE_TOKEN,
        "STAFF_TOKEN": STAFF_TOKEN,
        "RASA_URL": CLOSED_PORT_URL,
        "ACTIONS_PORT": "1",
        "RASA_TRACKER_DB": str(tracker_db),
        "RETENTION_INTERVAL_SECONDS": "0",
        "RATE_LIMIT_PER_CLIENT": GENEROUS_LIMIT,
        "RATE_LIMIT_PER_CONVERSATION": GENEROUS_LIMIT,
        "RATE_LIMIT_NEW_CONVERSATIONS": GENEROUS_LIMIT,
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        _clear_caches()
        migrate(database_url)
        app = create_app()
        try:
            with TestClient(app) as client:
                yield Bridge(app=app, client=client)
        finally:
            db.get_engine().dispose()
            _clear_caches()


@pytest.fixture
def bridge(database_url: str, tmp_path: Path) -> Iterator[Bridge]:
    with running_bridge(database_url, tmp_path / "rasa-tracker.db") as running:
        yield running
