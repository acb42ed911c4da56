"""A Rasa-style tracker store for erasure and retention tests, and helpers to age and inspect data."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, inspect, select, text, update

from bridge.core.config import PROJECT_ROOT
from bridge.models import Conversation, HandoffCase, Message
from bridge.privacy.tracker_store import EVENTS
from tests.conftest import POSTGRES_ADMIN_URL

RASA_PYTHON = PROJECT_ROOT / ".venvs" / "rasa" / "bin" / "python"


class TrackerDB:
    """Rasa's `events` table in its own database (SQLite file or PostgreSQL database)."""

    def __init__(self, url: str, rasa_url: str) -> None:
        self.url = url  # SQLAlchemy URL for this environment (psycopg 3)
        self.rasa_url = rasa_url  # the same database as Rasa would be configured with
        self.engine: Engine = create_engine(url)

    def add_events(self, sender_id: str, texts: list[str], *, at: datetime | None = None) -> None:
        """A short conversation as Rasa stores it: user and bot events with their text in `data`."""
        moment = (at or datetime.now(UTC)).timestamp()
        rows: list[dict[str, Any]] = [
            {
                "sender_id": sender_id,
                "type_name": "session_started",
                "timestamp": moment,
                "intent_name": None,
                "action_name": None,
                "data": json.dumps({"event": "session_started"}),
            }
        ]
        for index, utterance in enumerate(texts):
            kind = "user" if index % 2 == 0 else "bot"
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": kind,
                    "timestamp": moment + index + 1,
                    "intent_name": "inform" if kind == "user" else None,
                    "action_name": None,
                    "data": json.dumps({"event": kind, "text": utterance, "timestamp": moment + index + 1}),
                }
            )
        with self.engine.begin() as connection:
            connection.execute(EVENTS.insert(), rows)

    def senders(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.scalars(select(EVENTS.c.sender_id).distinct()))

    def count(self, sender_id: str) -> int:
        with self.engine.connect() as connection:
            return (
                connection.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id == sender_id)) or 0
            )

    def contains(self, needle: str) -> bool:
        """Whether any column of any row holds `needle`."""
        with self.engine.connect() as connection:
            for row in connection.execute(select(EVENTS)):
                if any(needle in str(value) for value in row if value is not None):
                    return True
        return False


@pytest.fixture
def tracker_db(database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrackerDB]:  # type: ignore[no-untyped-def]
    """Rasa's tracker store next to the bridge database (same kind), configured for the bridge."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "rasa-tracker.db"
        monkeypatch.setenv("RASA_TRACKER_DB", str(path))
        monkeypatch.delenv("RASA_TRACKER_STORE_URL", raising=False)
        store = TrackerDB(f"sqlite:///{path}", str(path))
        EVENTS.create(store.engine)
        yield store
        store.engine.dispose()
        return
    name = f"{database_url.rsplit('/', 1)[1]}_rasa"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    # As Rasa's endpoints would name it (psycopg2 URL); the bridge converts it for psycopg 3.
    monkeypatch.setenv("RASA_TRACKER_STORE_URL", f"postgresql://postgres@127.0.0.1:5432/{name}")
    store = TrackerDB(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name)
    EVENTS.create(store.engine)
    try:
        yield store
    finally:
        store.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cells_containing(engine: Engine, needles: list[str]) -> list[tuple[str, str]]:
    """(table, needle) for every cell of every table of the database that contains a needle."""
    found: list[tuple[str, str]] = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    for needle in needles:
                        if value is not None and needle in (
                            json.dumps(value) if isinstance(value, (dict, list)) else str(value)
                        ):
                            found.append((table, needle))
    return found


def age_conversation(engine: Engine, conversation_id: str, days: float) -> None:
    """Move a conversation and all its messages `days` into the past (closing dates of its cases too)."""
    shift = timedelta(days=days)
    moment = datetime.now(UTC) - shift
    with engine.begin() as connection:
        connection.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(created_at=moment, updated_at=moment)
        )
        connection.execute(update(Message).where(Message.conversation_id == conversation_id).values(created_at=moment))
        connection.execute(
            update(HandoffCase)
            .where(HandoffCase.conversation_id == conversation_id)
            .values(created_at=moment, queued_at=moment)
        )
        connection.execute(
            update(HandoffCase)
            .where(HandoffCase.conversation_id == conversation_id, HandoffCase.closed_at.is_not(None))
            .values(closed_at=moment)
        )


def rasa_tracker_store(tracker: TrackerDB, command: str, sender_id: str) -> dict[str, Any]:
    """Run Rasa's own SQLTrackerStore (in the Rasa environment) on the test tracker database."""
    if tracker.url.startswith("sqlite"):
        store_args = {"dialect": "sqlite", "db": tracker.rasa_url}
    else:
        store_args = {
            "dialect": "postgresql",
            "host": "127.0.0.1",
            "port": 5432,
            "db": tracker.rasa_url,
            "username": "postgres",
        }
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONPATH", None)  # the Rasa environment, not the bridge's modules
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", _RASA_SCRIPT, command, sender_id, json.dumps(store_args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    body: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return body


_RASA_SCRIPT = """
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

command, sender, store_args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
domain = Domain.from_dict({"slots": {"gemeente": {"type": "text", "mappings": [{"type": "custom"}]}}})
store = SQLTrackerStore(domain=domain, **store_args)

async def main():
    if command == "write":
        tracker = DialogueStateTracker.from_events(sender, [
            ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
            UserUttered("Ik woon in Almere en zit in de ww", {"name": "inform", "confidence": 1.0}),
            SlotSet("gemeente", "Almere"), BotUttered("Dank u. Wat is uw vraag?"),
        ], slots=domain.slots)
        await store.save(tracker)
    tracker = await store.retrieve_full_tracker(sender)
    keys = list(await store.keys())
    print(json.dumps({
        "events": len(tracker.events) if tracker else 0,
        "slots": tracker.current_slot_values() if tracker else {},
        "known": sender in keys,
    }))

asyncio.run(main())
"""


def new_id() -> str:
    return str(uuid.uuid4())


def wait_until(condition, timeout: float = 120.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll `condition` (the machine may be busy); True as soon as it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())
