"""Bridge test app: real database (migrated), a scripted stand-in for the Rasa server."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from bridge.api.deps import get_rasa
from bridge.core import db
from bridge.core.config import PROJECT_ROOT, get_settings
from bridge.main import create_app
from bridge.services.rasa_client import RasaUnavailable

SERVICE_TOKEN = "test-service-token"
STAFF_TOKEN = "test-staff-token"


def _upgrade(database_url: str) -> None:
    config = Config(str(PROJECT_ROOT / "bridge" / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@cache
def _migrated_sqlite_file() -> Path:
    """One SQLite file migrated to head per test run (removed at exit)."""
    directory = Path(tempfile.mkdtemp(prefix="elkedeur-migrated-"))
    atexit.register(shutil.rmtree, directory, True)
    _upgrade(f"sqlite:///{directory / 'bridge.db'}")
    return directory / "bridge.db"


def migrate(database_url: str) -> None:
    """Run all Alembic migrations on an empty database.

    A new SQLite file gets a copy of one file migrated once per run: the same tables and rows,
    without running every migration again for each of the few hundred tests that need a database.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        with (
            closing(sqlite3.connect(_migrated_sqlite_file())) as source,
            closing(sqlite3.connect(url.database)) as copy,
        ):
            source.backup(copy)
        return
    _upgrade(database_url)


class ScriptedRasa:
    """Answers like Rasa's REST channel; records what the bridge sent. Unit tests only:
    the end-to-end tests in tests/e2e run the real Rasa server."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.replies: list[dict[str, Any]] = [{"recipient_id": "x", "text": "Goedendag!"}]
        self.tracker_slots: dict[str, Any] = {"rol": None}
        self.appended: list[tuple[str, dict[str, Any]]] = []
        self.down = False

    def send(self, sender_id: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("down")
        self.received.append((sender_id, message))
        return self.replies

    def slots(self, sender_id: str) -> dict[str, Any]:
        if self.down:
            raise RasaUnavailable("down")
        return self.tracker_slots

    def append_event(self, sender_id: str, event: dict[str, Any]) -> None:
        if self.down:
            raise RasaUnavailable("down")
        self.appended.append((sender_id, event))

    def is_healthy(self) -> bool:
        return not self.down

    def close(self) -> None:
        pass


@pytest.fixture
def rasa() -> ScriptedRasa:
    return ScriptedRasa()


@pytest.fixture
def client(database_url: str, rasa: ScriptedRasa, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BRIDGE_SERVICE_TOKEN", SERVICE_TOKEN)
    monkeypatch.setenv("STAFF_TOKEN", STAFF_TOKEN)
    monkeypatch.setenv("ACTIONS_PORT", "1")  # nothing listens: the action server counts as down
    for cached in (get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
    migrate(database_url)
    app = create_app()
    app.dependency_overrides[get_rasa] = lambda: rasa
    with TestClient(app) as test_client:
        yield test_client
    db.get_engine().dispose()
    for cached in (get_settings, db.get_engine, db.get_sessionmaker):
        cached.cache_clear()
