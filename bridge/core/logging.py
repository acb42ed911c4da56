"""The bridge's log events: its allow-list table; the mechanism is the shared `eventlog` package.

Each event has an ID and the fields it may carry; `eventlog` drops every other field and writes one
JSON object per line. So message text, names, BSN, Telegram chat IDs or tokens cannot reach the log
by accident. Conversation, handoff and erasure-subject IDs are replaced by a keyed pseudonym (HMAC,
key `LOG_PSEUDONYM_KEY`), so lines of one conversation can be linked within the logs but not to the
database without the key.

Use: `configure_logging()` once at start-up, then `log_event("ED-2001", conversation=cid,
channel="web", length=42)`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from eventlog import NOISY_LOGGERS, AllowListFormatter, EventLog, LogEvent, configure_logging, pseudonym
from eventlog import event as _event

__all__ = [
    "EVENTS",
    "EVENT_LOG",
    "EVENT_LOGGER",
    "NOISY_LOGGERS",
    "AllowListFormatter",
    "LogEvent",
    "configure_logging",
    "log_event",
    "pseudonym",
]

EVENT_LOGGER = "elkedeur.events"

_NUMBER = (int, float)
_KINDS = (list, tuple)

EVENT_LOG = EventLog(
    EVENT_LOGGER,
    (
        _event("ED-1000", "bridge gestart", environment=str, version=str),
        _event("ED-1001", "bridge gestopt"),
        _event("ED-2000", "gesprek gestart", conversation=str, channel=str),
        _event("ED-2001", "bericht ontvangen", conversation=str, channel=str, length=int, kind=str),
        _event("ED-2002", "antwoord verstuurd", conversation=str, replies=int, duration_ms=_NUMBER),
        _event("ED-2003", "dubbel bericht genegeerd", conversation=str, channel=str),
        _event("ED-2004", "bericht doorgezet naar medewerker", conversation=str, status=str),
        _event("ED-3000", "Rasa niet bereikbaar", logging.WARNING, conversation=str, reason=str, duration_ms=_NUMBER),
        _event("ED-3001", "actieserver niet bereikbaar", logging.WARNING, reason=str),
        _event("ED-3002", "Rasa weer bereikbaar", conversation=str),
        _event("ED-3003", "Rasa-server uit de rotatie", logging.WARNING, instance=int, reason=str),
        _event("ED-3004", "Rasa-server weer in de rotatie", instance=int),
        _event("ED-3005", "Rasa-tracker niet bijgewerkt na teruggeven", logging.WARNING, conversation=str, reason=str),
        _event("ED-3010", "Redis niet bereikbaar voor live events", logging.WARNING, reason=str),
        _event("ED-3011", "Redis weer bereikbaar voor live events"),
        _event("ED-3012", "live event niet verstuurd", logging.WARNING, topic=str, error=str),
        _event("ED-4000", "overdracht aangemaakt", conversation=str, handoff=str, reden=str, queue=str, arrangeur=str),
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
    ),
    unknown="ED-9000",
    pseudonymised=("conversation", "handoff", "subject"),
)
EVENTS: Mapping[str, LogEvent] = EVENT_LOG.events


def log_event(event_id: str, /, **fields: Any) -> None:
    """Log a known bridge event with its allowed fields; unknown events and fields are dropped."""
    EVENT_LOG.log(event_id, **fields)
