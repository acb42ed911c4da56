"""The Telegram connector's log events: its own allow-list table on the shared `eventlog` mechanism.

The connector runs as its own process and imports nothing from the bridge; it shares only `eventlog`
(stdlib, top level) with it. Fields are codes and numbers: never message text, tokens or links. Where a
chat is involved, the line carries `chat`: a keyed hash of the chat id (the same pseudonym as the
bridge's conversation ids, under `LOG_PSEUDONYM_KEY`), never the chat id itself. Library records
(python-telegram-bot, httpx) keep only their logger name, level and exception type, never their
message text (it may hold the bot token or a chat id).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from eventlog import AllowListFormatter, EventLog, LogEvent, configure_logging, pseudonym
from eventlog import event as _event

__all__ = ["EVENTS", "EVENT_LOG", "EVENT_LOGGER", "AllowListFormatter", "configure_logging", "log_event", "pseudonym"]

EVENT_LOGGER = "elkedeur.telegram.events"

_NUMBER = (int, float)

EVENT_LOG = EventLog(
    EVENT_LOGGER,
    (
        _event("ED-7001", "Telegram vraagt te wachten (te veel verzoeken)", logging.WARNING, retry_after=_NUMBER),
        _event("ED-7002", "Telegram-chat gekoppeld aan een nieuw gesprek", chat=int),
        _event("ED-7003", "chat al gekoppeld door een andere instantie: dat gesprek gebruikt", chat=int),
        _event("ED-7004", "gesprek bestaat niet meer in de bridge: nieuw gesprek gestart", chat=int),
        _event("ED-7005", "bericht niet afgeleverd bij Telegram", logging.WARNING, error=str, chat=int),
        _event("ED-7006", "live events van de bridge verbonden"),
        _event("ED-7007", "live events van de bridge verbroken", logging.WARNING, error=str),
        _event("ED-7008", "nalevering mislukt", logging.WARNING, error=str),
        _event("ED-7009", "update al verwerkt: overgeslagen", update_id=int, chat=int),
        _event("ED-7010", "bridge gaf een fout", logging.WARNING, status=int, chat=int),
        _event("ED-7011", "gesprek gewist op verzoek (/vergeet)", bridge_erased=bool, chat=int),
        _event("ED-7012", "plan ophalen mislukt", logging.WARNING, status=int, chat=int),
        _event("ED-7013", "webhook-aanroep geweigerd", logging.WARNING),
        _event("ED-7014", "onverwachte fout in de connector", logging.ERROR, task=str, error=str, chat=int),
        _event("ED-7999", "onbekend log-event", logging.ERROR, requested=str),
    ),
    unknown="ED-7999",
    pseudonymised=("chat",),
)
EVENTS: Mapping[str, LogEvent] = EVENT_LOG.events


def log_event(event_id: str, /, **fields: Any) -> None:
    """Log a known connector event with its allowed fields; unknown events and fields are dropped."""
    EVENT_LOG.log(event_id, **fields)
