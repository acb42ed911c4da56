"""Log events with an allow-list: a process's table of events, the cleaning of their fields, pseudonyms.

Modelled on MinVWS gfmodules (`app/logging/events.py`): each event has an ID and the fields (with
types) it may carry; every other field is dropped before the line is written. So message text, names,
BSN, Telegram chat ids or tokens cannot reach the log by accident. Identifiers a table names as
pseudonymised (conversation ids, chat ids) are replaced by a keyed hash (HMAC-SHA256 with the
process's pseudonym key), so the lines of one conversation or chat can be linked within the logs,
but not to a database without the key.

Each process keeps its own `EventLog` (the bridge: `bridge/core/logging.py`; the Telegram connector:
`connectors/telegram/logs.py`); this module is the mechanism they share. Standard library only, so it
runs on Python 3.10 (the bot's environment) and 3.11.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeAlias

MAX_STR = 80  # an allowed string field is a code or name, never prose
PSEUDONYM_LENGTH = 16  # hex characters of the keyed hash

# The loggers of every EventLog made in this process: the formatter trusts only their records.
_EVENT_LOGGERS: set[str] = set()

FieldType: TypeAlias = type | tuple[type, ...]


@dataclass(frozen=True)
class LogEvent:
    """One loggable event: its ID, a fixed Dutch description, level and the fields (with types) it may carry."""

    id: str
    description: str
    level: int
    fields: Mapping[str, FieldType] = field(default_factory=dict)


def event(event_id: str, description: str, level: int = logging.INFO, **fields: FieldType) -> LogEvent:
    """A table entry: `event("ED-2001", "bericht ontvangen", conversation=str, length=int)`."""
    return LogEvent(event_id, description, level, MappingProxyType(fields))


class _State:
    """Process-wide pseudonym key (random per process unless configured)."""

    key: bytes = b""


def set_pseudonym_key(key: str | bytes) -> None:
    """Fix the key of the pseudonyms, so they stay the same across restarts and processes sharing it."""
    _State.key = key.encode("utf-8") if isinstance(key, str) else key


def pseudonym(value: str) -> str:
    """A short keyed hash of an identifier; the same value gives the same pseudonym under one key."""
    if not _State.key:
        _State.key = secrets.token_bytes(32)
    return hmac.new(_State.key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def is_event_logger(name: str) -> bool:
    """True for the logger of an EventLog: only its records carry a trusted event ID and fields."""
    return name in _EVENT_LOGGERS


class EventLog:
    """One process's allow-list: its events, the logger they are written to, the fields made pseudonyms.

    `unknown` is the ID logged (with the field `requested`) when code asks for an ID not in the table.
    """

    def __init__(
        self,
        logger_name: str,
        events: Iterable[LogEvent],
        *,
        unknown: str,
        pseudonymised: Iterable[str] = (),
    ) -> None:
        table: dict[str, LogEvent] = {}
        for entry in events:
            if entry.id in table:
                raise ValueError(f"log event {entry.id} is in the table twice")
            table[entry.id] = entry
        if unknown not in table or table[unknown].fields.get("requested") is not str:
            raise ValueError(f"the unknown-event id {unknown} must be in the table, with a str field 'requested'")
        self.logger_name = logger_name
        self.events: Mapping[str, LogEvent] = MappingProxyType(table)
        self.unknown = unknown
        self.pseudonymised = frozenset(pseudonymised)
        _EVENT_LOGGERS.add(logger_name)

    def clean(self, entry: LogEvent, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Keep allowed fields of the right type (pseudonymised where the table says); return them and
        the names of the dropped ones."""
        kept: dict[str, Any] = {}
        dropped: list[str] = []
        for name, value in fields.items():
            allowed = entry.fields.get(name)
            if allowed is None or (isinstance(value, bool) and allowed is not bool):
                dropped.append(name)  # unknown field, or a bool where a number is meant
            elif value is None:
                kept[name] = None
            elif not isinstance(value, allowed):
                dropped.append(name)
            elif isinstance(value, (list, tuple)):
                # Lists carry codes (e.g. redacted kinds); anything long or non-string is dropped.
                if all(isinstance(v, str) and len(v) <= MAX_STR for v in value):
                    kept[name] = list(value)
                else:
                    dropped.append(name)
            elif name in self.pseudonymised:
                kept[name] = pseudonym(str(value))
            elif isinstance(value, str):
                kept[name] = value[:MAX_STR]
            else:
                kept[name] = value
        return kept, dropped

    def log(self, event_id: str, /, **fields: Any) -> None:
        """Log a known event with its allowed fields; unknown events and fields are dropped."""
        logger = logging.getLogger(self.logger_name)
        entry = self.events.get(event_id)
        if entry is None:
            # The unknown ID is a code from our own source, never user input: safe to record.
            entry = self.events[self.unknown]
            fields = {"requested": event_id if event_id.isascii() and len(event_id) < 20 else "?"}
        if not logger.isEnabledFor(entry.level):
            return
        kept, dropped = self.clean(entry, fields)
        logger.log(
            entry.level,
            entry.description,
            extra={"event_id": entry.id, "event_fields": kept, "dropped_fields": sorted(dropped)},
        )
