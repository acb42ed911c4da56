"""The log allow-list: only known events and fields, pseudonyms, no text, quiet libraries."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bridge.core.logging import (
    EVENTS,
    NOISY_LOGGERS,
    AllowListFormatter,
    configure_logging,
    log_event,
    pseudonym,
)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Configure logging into a buffer; restore the root logger afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    stream = io.StringIO()
    handler = configure_logging(logging.DEBUG, pseudonym_key="test-key", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("uvicorn.access").disabled = False


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def test_event_ids_are_unique_and_fields_typed() -> None:
    assert all(event_id.startswith("ED-") for event_id in EVENTS)
    for event in EVENTS.values():
        for allowed in event.fields.values():
            assert isinstance(allowed, (type, tuple))


def test_allowed_fields_are_kept_and_others_dropped(log_stream: io.StringIO) -> None:
    log_event(
        "ED-2001",
        conversation="3f1c2d9e-0000-4000-8000-000000000001",
        channel="web",
        length=42,
        text="Mijn BSN is 123456782",
        name="Jan Jansen",
        chat_id=123456789,
    )
    (entry,) = lines(log_stream)
    assert entry["event"] == "ED-2001"
    assert entry["msg"] == "bericht ontvangen"
    assert entry["fields"]["channel"] == "web"
    assert entry["fields"]["length"] == 42
    assert entry["dropped"] == ["chat_id", "name", "text"]
    raw = log_stream.getvalue()
    for secret in ("123456782", "Jan Jansen", "Mijn BSN", "123456789", "3f1c2d9e"):
        assert secret not in raw


def test_conversation_id_becomes_stable_pseudonym(log_stream: io.StringIO) -> None:
    cid = "3f1c2d9e-0000-4000-8000-000000000001"
    log_event("ED-2000", conversation=cid, channel="telegram")
    log_event("ED-2002", conversation=cid, replies=2, duration_ms=12.5)
    first, second = lines(log_stream)
    assert first["fields"]["conversation"] == second["fields"]["conversation"] == pseudonym(cid)
    assert len(pseudonym(cid)) == 16
    assert pseudonym(cid) != pseudonym(cid + "x")


def test_wrong_types_and_long_values_are_cut_or_dropped(log_stream: io.StringIO) -> None:
    log_event("ED-2001", conversation="c", channel="x" * 500, length="veertig")
    log_event("ED-5000", conversation="c", kinds=["bsn", "iban"], count=True)
    log_event("ED-5000", conversation="c", kinds=["a" * 200])
    first, second, third = lines(log_stream)
    assert len(first["fields"]["channel"]) == 80
    assert first["dropped"] == ["length"]
    assert second["fields"]["kinds"] == ["bsn", "iban"]
    assert second["dropped"] == ["count"]  # a bool is not a count
    assert third["dropped"] == ["kinds"]


def test_unknown_event_is_reported_without_its_fields(log_stream: io.StringIO) -> None:
    log_event("ED-7777", text="geheim")
    log_event("Mijn BSN is 123456782 en meer tekst", text="geheim")
    first, second = lines(log_stream)
    assert first["event"] == "ED-9000" and first["fields"] == {"requested": "ED-7777"}
    assert second["fields"] == {"requested": "?"}
    assert "geheim" not in log_stream.getvalue() and "123456782" not in log_stream.getvalue()


def test_foreign_records_lose_their_message(log_stream: io.StringIO) -> None:
    logging.getLogger("some.library").warning("user said %s", "mijn bsn is 123456782")
    (entry,) = lines(log_stream)
    assert entry == {"ts": entry["ts"], "level": "WARNING", "logger": "some.library"}


def test_exceptions_keep_type_and_place_but_not_message(log_stream: io.StringIO) -> None:
    try:
        raise ValueError("tekst van gebruiker: 06-12345678")
    except ValueError:
        logging.getLogger("bridge").exception("failed for %s", "06-12345678")
    (entry,) = lines(log_stream)
    assert entry["exc_type"] == "ValueError"
    assert entry["exc_where"][-1].startswith("test_logging.py:")
    assert "06-12345678" not in log_stream.getvalue()


def test_foreign_messages_only_when_asked() -> None:
    record = logging.LogRecord("lib", logging.INFO, __file__, 1, "hallo %s", ("wereld",), None)
    assert "hallo wereld" not in AllowListFormatter().format(record)
    assert json.loads(AllowListFormatter(foreign_messages=True).format(record))["msg"] == "hallo wereld"


def test_noisy_libraries_are_silenced(log_stream: io.StringIO) -> None:
    for name in NOISY_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:SECRET/sendMessage")
    assert logging.getLogger("uvicorn.access").disabled
    assert log_stream.getvalue() == ""


def test_level_filter_skips_debug_events(log_stream: io.StringIO) -> None:
    logging.getLogger().setLevel(logging.WARNING)
    log_event("ED-2000", conversation="c", channel="web")
    log_event("ED-6000", scope="ip", path="/api/conversations/x/messages", limit="20/minute")
    (entry,) = lines(log_stream)
    assert entry["event"] == "ED-6000"
