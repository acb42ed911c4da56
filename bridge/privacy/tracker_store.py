"""Deleting conversations from Rasa's SQL tracker store.

Rasa 3.6 has no HTTP endpoint to delete a tracker (`PUT /conversations/{id}/tracker/events`
replaces the events, but Rasa then stores the replacement next to the old rows: the SQL store
only appends). So the bridge deletes the rows itself, in the table Rasa's `SQLTrackerStore`
writes: `events(id, sender_id, type_name, timestamp, intent_name, action_name, data)`, one row
per event, `sender_id` = the bridge's conversation id, `timestamp` = Unix seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bridge.core.config import Settings

# Rasa's table as `rasa.core.tracker_store.SQLTrackerStore.SQLEvent` defines it; never created here.
_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
_CHUNK = 500  # ids per IN (...) clause
EventRow = tuple[str, str, str | None, str | None, str | None]  # sender_id, type_name, intent, action, data


class TrackerStoreUnavailable(Exception):
    """Rasa's tracker store could not be reached or changed."""


def tracker_store_url(settings: Settings) -> str:
    """Rasa's tracker store as a SQLAlchemy URL for this (psycopg 3) environment."""
    url = settings.rasa_tracker_store_url or f"sqlite:///{settings.rasa_tracker_db}"
    # Rasa connects with psycopg2; the bridge environment has psycopg 3.
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class RasaTrackerStore:
    """Rasa's SQL tracker store, as far as deleting goes. Connects on first use, not at creation."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaTrackerStore:
        return cls(tracker_store_url(settings))

    def _sqlite_file_missing(self) -> bool:
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite":
            return False
        database = parsed.database or ""
        # Opening a missing file would create an empty database: nothing to delete, create nothing.
        return database in ("", ":memory:") or not Path(database).exists()

    def _engine_with_table(self) -> Engine | None:
        """The engine, or None when Rasa has not stored any tracker yet (no file, no table)."""
        if self._sqlite_file_missing():
            return None
        with self._lock:
            if self._engine is None:
                connect_args: dict[str, Any] = {"timeout": 30}
                if not self.url.startswith("sqlite"):
                    connect_args = {"connect_timeout": 10}
                    if os.environ.get("POSTGRESQL_SCHEMA"):  # Rasa's own setting for a schema other than public
                        connect_args["options"] = f"-csearch_path={os.environ['POSTGRESQL_SCHEMA']}"
                self._engine = create_engine(self.url, connect_args=connect_args, pool_pre_ping=True)
            engine = self._engine
        try:
            with engine.connect() as connection:
                has_table = inspect(connection).has_table(EVENTS.name)
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error
        return engine if has_table else None

    def delete_senders(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these conversations; returns how many rows went."""
        ids = list(dict.fromkeys(sender_ids))
        engine = self._engine_with_table() if ids else None
        if engine is None:
            return 0
        deleted = 0
        try:
            with engine.begin() as connection:
                for start in range(0, len(ids), _CHUNK):
                    result = connection.execute(
                        delete(EVENTS).where(EVENTS.c.sender_id.in_(ids[start : start + _CHUNK]))
                    )
                    deleted += result.rowcount
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error
        return deleted

    def idle_senders(self, before: datetime) -> list[str]:
        """Conversations whose newest event is older than `before`."""
        engine = self._engine_with_table()
        if engine is None:
            return []
        query = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(func.coalesce(func.max(EVENTS.c.timestamp), 0) < before.timestamp())
        )
        try:
            with engine.connect() as connection:
                return [row[0] for row in connection.execute(query)]
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error

    def count_events(self, sender_ids: Sequence[str]) -> int:
        """How many events these conversations have (dry runs and tests)."""
        engine = self._engine_with_table() if sender_ids else None
        if engine is None:
            return 0
        total = 0
        try:
            with engine.connect() as connection:
                for start in range(0, len(sender_ids), _CHUNK):
                    chunk = list(sender_ids[start : start + _CHUNK])
                    total += (
                        connection.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
                        or 0
                    )
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error
        return total

    def senders_with_events(self, sender_ids: Sequence[str]) -> list[str]:
        """Which of these conversations have a tracker at all."""
        engine = self._engine_with_table() if sender_ids else None
        if engine is None:
            return []
        found: list[str] = []
        try:
            with engine.connect() as connection:
                for start in range(0, len(sender_ids), _CHUNK):
                    chunk = list(sender_ids[start : start + _CHUNK])
                    found += connection.scalars(
                        select(EVENTS.c.sender_id).where(EVENTS.c.sender_id.in_(chunk)).distinct()
                    ).all()
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error
        return found

    def events_of(self, sender_ids: Sequence[str], type_names: Sequence[str]) -> list[EventRow]:
        """(sender_id, type_name, intent_name, action_name, data) of these conversations, in order (Regiomonitor)."""
        engine = self._engine_with_table() if sender_ids else None
        if engine is None:
            return []
        columns = (EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
        rows: list[EventRow] = []
        try:
            with engine.connect() as connection:
                for start in range(0, len(sender_ids), _CHUNK):
                    chunk = list(sender_ids[start : start + _CHUNK])
                    query = (
                        select(*columns)
                        .where(EVENTS.c.sender_id.in_(chunk), EVENTS.c.type_name.in_(type_names))
                        .order_by(EVENTS.c.id)
                    )
                    rows += [tuple(row) for row in connection.execute(query)]
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(type(error).__name__) from error
        return rows

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
