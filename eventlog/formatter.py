"""The JSON formatter of the allow-listed logs, and the start-up call that routes all logging through it.

Modelled on MinVWS gfmodules (`app/logging/formatter.py`). Records of an `EventLog` keep their event ID,
fixed description and cleaned fields. Every other record (libraries, uvicorn) keeps only its logger name
and level, plus the exception type and code location, never its message text (it may hold a bot token,
a URL with a token, a chat id or message text), unless `foreign_messages` is set (development only).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from eventlog.events import is_event_logger, set_pseudonym_key

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


class AllowListFormatter(logging.Formatter):
    """One JSON object per line: time, level, event ID, fixed description and allowed fields."""

    def __init__(self, foreign_messages: bool = False) -> None:
        super().__init__()
        self.foreign_messages = foreign_messages

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
        }
        event_id = getattr(record, "event_id", None)
        if event_id is not None and is_event_logger(record.name):
            entry["event"] = event_id
            entry["msg"] = record.msg  # the fixed description from the table, never user text
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
    quiet: Iterable[str] = NOISY_LOGGERS,
) -> logging.Handler:
    """Route all logging through the allow-list formatter and quiet the chatty libraries.

    Without `pseudonym_key` the pseudonyms use a random key of this process.
    """
    if pseudonym_key:
        set_pseudonym_key(pseudonym_key)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(AllowListFormatter(foreign_messages=foreign_messages))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, AllowListFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    # uvicorn's access log prints paths and query strings (tokens, conversation IDs).
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
