"""Logging with an allow-list, shared by the bridge and the Telegram connector (Python 3.10 and 3.11, stdlib only).

Every log line is a known event with known fields, nothing else. The mechanism lives here: `LogEvent`,
`EventLog` (a process's table, the cleaning of fields, pseudonyms) and the JSON formatter with
`configure_logging`. Each process keeps its own table of events: the bridge in `bridge/core/logging.py`
(ED-1xxx to ED-9xxx), the Telegram connector in `connectors/telegram/logs.py` (ED-7xxx); the connector
imports nothing from the bridge.
"""

from eventlog.events import (
    MAX_STR,
    PSEUDONYM_LENGTH,
    EventLog,
    FieldType,
    LogEvent,
    event,
    is_event_logger,
    pseudonym,
    set_pseudonym_key,
)
from eventlog.formatter import NOISY_LOGGERS, AllowListFormatter, configure_logging

__all__ = [
    "MAX_STR",
    "NOISY_LOGGERS",
    "PSEUDONYM_LENGTH",
    "AllowListFormatter",
    "EventLog",
    "FieldType",
    "LogEvent",
    "configure_logging",
    "event",
    "is_event_logger",
    "pseudonym",
    "set_pseudonym_key",
]
