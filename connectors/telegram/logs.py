"""The connector's log allow-list: every log line is a known event with known fields, nothing else.

The same idea as the bridge's `bridge.core.logging`, kept here because the connector uses no bridge
internals (it runs as its own process and talks to the bridge over HTTP only). Fields are codes and
numbers: never message text, chat ids, tokens or links. Library records (python-telegram-bot, httpx)
keep only their logger name, level and exception type, never their message text (it may hold the
bot token or a chat id).
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Mapping

EVENT_LOGGER = "elkedeur.telegram.events"
_MAX_STR = 80  # an allowed string field is a code or name, never prose


@dataclass(frozen=True)
class LogEvent:
    """One loggable event: its ID, a fixed Dutch description, level and the fields (with types) it may carry."""

    id: str
    description: str
    level: int
    fields: Mapping[str, type | tuple[type, ...]] = field(default_factory=dict)


def _event(event_id: str, description: str, level: int = logging.INFO, **fields: type | tuple[type, ...]) -> LogEvent:
    return LogEvent(event_id, description, level, MappingProxyType(fields))


_NUMBER = (int, float)

EVENTS: Mapping[str, LogEvent] = MappingProxyType(
    {
        e.id: e
        for e in (
            _event("ED-7001", "Telegram vraagt te wachten (te veel verzoeken)", logging.WARNING, retry_after=_NUMBER),
            _event("ED-7002", "Telegram-chat gekoppeld aan een nieuw gesprek"),
            _event("ED-7003", "chat al gekoppeld door een andere instantie: dat gesprek gebruikt"),
            _event("ED-7004", "gesprek bestaat niet meer in de bridge: nieuw gesprek gestart"),
            _event("ED-7005", "bericht niet afgeleverd bij Telegram", logging.WARNING, error=str),
            _event("ED-7006", "live events van de bridge verbonden"),
            _event("ED-7007", "live events van de bridge verbroken", logging.WARNING, error=str),
            _event("ED-7008", "nalevering mislukt", logging.WARNING, error=str),
            _event("ED-7009", "update al verwerkt: overgeslagen", update_id=int),
            _event("ED-7010", "bridge gaf een fout", logging.WARNING, status=int),
            _event("ED-7011", "gesprek gewist op verzoek (/vergeet)", bridge_erased=bool),
            _event("ED-7012", "plan ophalen mislukt", logging.WARNING, status=int),
            _event("ED-7013", "webhook-aanroep geweigerd", logging.WARNING),
            _event("ED-7014", "onverwachte fout in de connector", logging.ERROR, task=str, error=str),
            _event("ED-7999", "onbekend log-event", logging.ERROR, requested=str),
        )
    }
)


def _clean(event: LogEvent, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Keep allowed fields of the right type; return them and the names of dropped ones."""
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for name, value in fields.items():
        allowed = event.fields.get(name)
        if allowed is None or (isinstance(value, bool) and allowed is not bool):
            dropped.append(name)
        elif value is None:
            kept[name] = None
        elif not isinstance(value, allowed):
            dropped.append(name)
        elif isinstance(value, str):
            kept[name] = value[:_MAX_STR]
        else:
            kept[name] = value
    return kept, dropped


def log_event(event_id: str, **fields: Any) -> None:
    """Log a known event with its allowed fields; unknown events and fields are dropped."""
    logger = logging.getLogger(EVENT_LOGGER)
    event = EVENTS.get(event_id)
    if event is None:
        event = EVENTS["ED-7999"]
        fields = {"requested": event_id if event_id.isascii() and len(event_id) < 20 else "?"}
    if not logger.isEnabledFor(event.level):
        return
    kept, dropped = _clean(event, fields)
    logger.log(
        event.level,
        event.description,
        extra={"event_id": event.id, "event_fields": kept, "dropped_fields": sorted(dropped)},
    )


class AllowListFormatter(logging.Formatter):
    """One JSON object per line: time, level, event ID, fixed description and allowed fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
        }
        event_id = getattr(record, "event_id", None)
        if event_id is not None and record.name == EVENT_LOGGER:
            entry["event"] = event_id
            entry["msg"] = record.msg  # the fixed description from EVENTS, never user text
            entry["fields"] = getattr(record, "event_fields", {})
            dropped = getattr(record, "dropped_fields", [])
            if dropped:
                entry["dropped"] = dropped
        else:
            entry["logger"] = record.name
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__  # the message may quote data: left out
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int | str = logging.INFO, *, stream: Any = None) -> logging.Handler:
    """Route all logging through the allow-list formatter and quiet the chatty libraries."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(AllowListFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, AllowListFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # The request URLs httpx logs contain the bot token.
    for name in ("httpx", "httpcore", "telegram", "telegram.ext"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
