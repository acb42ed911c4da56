"""Logging with an allow-list: every log line is a known event with known fields, nothing else.

Modelled on MinVWS gfmodules (`app/logging/events.py` + `formatter.py`): each event has an ID
and the fields it may carry; the formatter drops every other field. So message text, names,
BSN, Telegram chat IDs or tokens cannot reach the log by accident. Conversation IDs are
replaced by a keyed pseudonym (HMAC), so lines of one conversation can be linked within the
logs but not to the database without the key.

Use: `configure_logging()` once at start-up, then `log_event("ED-2001", conversation=cid,
channel="web", length=42)`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Mapping

EVENT_LOGGER = "elkedeur.events"
_PSEUDONYM_FIELDS = frozenset({"conversation", "handoff", "subject"})
_MAX_STR = 80  # an allowed string field is a code or name, never prose
# Libraries whose INFO/DEBUG lines carry URLs with tokens, message bodies or chat IDs.
NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "telegram.ext",
    "hpack",
    "multipart",
    "sqlalchemy.engine",
    "weasyprint",
    "weasyprint.progress",
    "fontTools",
)


@dataclass(frozen=True)
class LogEvent:
    """One loggable event: its ID, a fixed description, level and the fields (with types) it may carry."""

    id: str
    description: str
    level: int
    fields: Mapping[str, type | tuple[type, ...]] = field(default_factory=dict)


def _event(event_id: str, description: str, level: int = logging.INFO, **fields: type | tuple[type, ...]) -> LogEvent:
    return LogEvent(event_id, description, level, MappingProxyType(fields))


_NUMBER = (int, float)
_KINDS = (list, tuple)

EVENTS: Mapping[str, LogEvent] = MappingProxyType(
    {
        e.id: e
        for e in (
            _event("ED-1000", "bridge gestart", environment=str, version=str),
            _event("ED-1001", "bridge gestopt"),
            _event("ED-2000", "gesprek gestart", conversation=str, channel=str),
            _event("ED-2001", "bericht ontvangen", conversation=str, channel=str, length=int, kind=str),
            _event("ED-2002", "antwoord verstuurd", conversation=str, replies=int, duration_ms=_NUMBER),
            _event("ED-2003", "dubbel bericht genegeerd", conversation=str, channel=str),
            _event("ED-2004", "bericht doorgezet naar medewerker", conversation=str, status=str),
            _event(
                "ED-3000", "Rasa niet bereikbaar", logging.WARNING, conversation=str, reason=str, duration_ms=_NUMBER
            ),
            _event("ED-3001", "actieserver niet bereikbaar", logging.WARNING, reason=str),
            _event("ED-3002", "Rasa weer bereikbaar", conversation=str),
            _event("ED-3003", "Rasa-server uit de rotatie", logging.WARNING, instance=int, reason=str),
            _event("ED-3004", "Rasa-server weer in de rotatie", instance=int),
            _event(
                "ED-3005", "Rasa-tracker niet bijgewerkt na teruggeven", logging.WARNING, conversation=str, reason=str
            ),
            _event("ED-3010", "Redis niet bereikbaar voor live events", logging.WARNING, reason=str),
            _event("ED-3011", "Redis weer bereikbaar voor live events"),
            _event("ED-3012", "live event niet verstuurd", logging.WARNING, topic=str, error=str),
            _event(
                "ED-4000", "overdracht aangemaakt", conversation=str, handoff=str, reden=str, queue=str, arrangeur=str
            ),
            _event("ED-4001", "overdracht opgepakt", handoff=str, queue=str),
            _event("ED-5000", "persoonsgegevens verwijderd uit bericht", conversation=str, kinds=_KINDS, count=int),
            _event("ED-5001", "gesprek gewist op verzoek", conversation=str, channel=str, trigger=str),
            _event(
                "ED-5002",
                "bewaartermijn verlopen: gegevens verwijderd",
                conversations=int,
                messages=int,
                trackers=int,
                cases=int,
                summaries=int,
                kept_open=int,
                audit_entries=int,
                login_attempts=int,
                staff_sessions=int,
                monitor_days=int,
            ),
            _event("ED-5003", "bewaartermijn-taak mislukt", logging.ERROR, error=str),
            _event("ED-6000", "te veel verzoeken", logging.WARNING, scope=str, path=str, limit=str),
            _event("ED-6001", "verzoek te groot", logging.WARNING, path=str, length=int, limit=int),
            _event("ED-6002", "toegang geweigerd", logging.WARNING, path=str, reason=str),
            _event("ED-6003", "bericht te lang", conversation=str, length=int, limit=int),
            _event("ED-9000", "onbekend log-event", logging.ERROR, requested=str),
            _event("ED-9001", "onverwachte fout", logging.ERROR, path=str, error=str),
        )
    }
)


class _State:
    """Process-wide pseudonym key (random per process unless configured)."""

    key: bytes = b""


def pseudonym(value: str) -> str:
    """A short keyed hash of an identifier; the same value gives the same pseudonym in one process."""
    if not _State.key:
        _State.key = secrets.token_bytes(32)
    return hmac.new(_State.key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _clean(event: LogEvent, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Keep allowed fields of the right type; return them and the names of dropped ones."""
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for name, value in fields.items():
        allowed = event.fields.get(name)
        if allowed is None or isinstance(value, bool) and allowed is not bool:
            dropped.append(name)
            continue
        if value is None:
            kept[name] = None
        elif not isinstance(value, allowed):
            dropped.append(name)
        elif isinstance(value, (list, tuple)):
            # Lists carry codes (e.g. redacted kinds); anything long or non-string is dropped.
            if all(isinstance(v, str) and len(v) <= _MAX_STR for v in value):
                kept[name] = list(value)
            else:
                dropped.append(name)
        elif name in _PSEUDONYM_FIELDS:
            kept[name] = pseudonym(str(value))
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
        # The unknown ID is a code from our own source, never user input: safe to record.
        event = EVENTS["ED-9000"]
        fields = {"requested": event_id if event_id.isascii() and len(event_id) < 20 else "?"}
    kept, dropped = _clean(event, fields)
    if not logger.isEnabledFor(event.level):
        return
    logger.log(
        event.level,
        event.description,
        extra={"event_id": event.id, "event_fields": kept, "dropped_fields": sorted(dropped)},
    )


class AllowListFormatter(logging.Formatter):
    """One JSON object per line: time, level, event ID, fixed description and allowed fields.

    Records that did not come from `log_event` (libraries, uvicorn) keep only the logger
    name and level, plus the exception type and code location, never their message text,
    unless `foreign_messages` is set (development only).
    """

    def __init__(self, foreign_messages: bool = False) -> None:
        super().__init__()
        self.foreign_messages = foreign_messages

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
            if self.foreign_messages:
                entry["msg"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            # Type and where it happened; the exception message may quote data, so it is left out.
            entry["exc_type"] = record.exc_info[0].__name__
            tb = record.exc_info[2]
            frames = []
            while tb is not None:
                frames.append(f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}")
                tb = tb.tb_next
            entry["exc_where"] = frames[-5:]
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    level: int | str = logging.INFO,
    *,
    pseudonym_key: str | bytes | None = None,
    foreign_messages: bool = False,
    stream: Any = None,
) -> logging.Handler:
    """Route all logging through the allow-list formatter and quiet the chatty libraries."""
    if pseudonym_key:
        _State.key = pseudonym_key.encode("utf-8") if isinstance(pseudonym_key, str) else pseudonym_key
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(AllowListFormatter(foreign_messages=foreign_messages))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, AllowListFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # uvicorn's access log prints paths and query strings (tokens, conversation IDs).
    access = logging.getLogger("uvicorn.access")
    access.disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
