"""The log allow-list: only known events and fields, pseudonyms, no text, quiet libraries."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bridge.core.logging import (
    EVENTS,
    NOISY_LOGGERS,
    AllowListFormatter,
    log_event,
    pseudonym,
)
from bridge.schemas.conversation import MAX_MESSAGE_LENGTH
from tests.bridge.conftest import ScriptedRasa

ROOT = Path(__file__).resolve().parents[3]


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


# Every event in a table is emitted somewhere, and no plain `logger.<level>(` call goes around the
# allow-list (a source scan: the event ids appear as string literals at their `log_event` calls).
_PLAIN_LOGGER_CALL = re.compile(r"\blogger\.(debug|info|warning|warn|error|exception|critical|log)\(")


# The shared allow-list mechanism: its `EventLog.log` is the one place that calls `logger.log`.
_ALLOW_LIST_MODULES = {"eventlog/events.py"}


def _sources(*roots: str) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for root in roots for path in sorted((ROOT / root).rglob("*.py"))}


def test_every_event_id_is_emitted() -> None:
    from connectors.telegram import logs as telegram_logs

    emitted: set[str] = set()
    for source in _sources("bridge", "connectors").values():
        emitted.update(re.findall(r"""log_event\(\s*["'](ED-\d{4})["']""", source))
    # ED-9000 and ED-7999 stand for an unknown id: `log_event` itself logs them.
    never = (set(EVENTS) | set(telegram_logs.EVENTS)) - emitted - {"ED-9000", "ED-7999"}
    assert not never, f"event ids in a table but never emitted: {sorted(never)}"
    assert not set(telegram_logs.EVENTS) & set(EVENTS), "the connector's ids must not clash with the bridge's"


def test_no_plain_logger_calls_bypass_the_allow_list() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path, source in _sources("bridge", "connectors", "eventlog").items()
        for number, line in enumerate(source.splitlines(), 1)
        if _PLAIN_LOGGER_CALL.search(line) and path.relative_to(ROOT).as_posix() not in _ALLOW_LIST_MODULES
    ]
    assert not found, f"plain logger calls (use log_event with an allow-listed event): {found}"


def test_connector_events_keep_codes_only() -> None:
    from connectors.telegram import logs as telegram_logs

    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    handler = telegram_logs.configure_logging(logging.DEBUG, stream=stream)
    try:
        telegram_logs.log_event("ED-7005", error="Forbidden", chat_id=123456789, text="Mijn BSN is 123456782")
        telegram_logs.log_event("ED-7011", bridge_erased=True)
        telegram_logs.log_event("ED-7777")
    finally:
        root.removeHandler(handler)
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False
    first, second, unknown = lines(stream)
    assert first["event"] == "ED-7005" and first["fields"] == {"error": "Forbidden"}
    assert first["dropped"] == ["chat_id", "text"]
    assert second["fields"] == {"bridge_erased": True}
    assert unknown["event"] == "ED-7999" and unknown["fields"] == {"requested": "ED-7777"}
    assert "123456789" not in stream.getvalue() and "123456782" not in stream.getvalue()


def test_a_conversation_turn_and_refusals_are_logged(
    client: TestClient, rasa: ScriptedRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="elkedeur.events")
    cid = client.post("/api/conversations", json={"channel": "web"}).json()["id"]
    assert client.post(f"/api/conversations/{cid}/messages", json={"text": "Hallo"}).status_code == 200
    rasa.down = True
    client.post(f"/api/conversations/{cid}/messages", json={"text": "Nog eens"})
    rasa.down = False
    client.post(f"/api/conversations/{cid}/messages", json={"text": "En nu?"})
    too_long = "x" * (MAX_MESSAGE_LENGTH + 1)
    assert client.post(f"/api/conversations/{cid}/messages", json={"text": too_long}).status_code == 422
    assert client.post("/internal/handoffs", json={}).status_code == 401

    events = [(r.event_id, r.event_fields) for r in caplog.records if r.name == "elkedeur.events"]  # type: ignore[attr-defined]
    ids = [event_id for event_id, _ in events]
    for expected in ("ED-2000", "ED-2001", "ED-2002", "ED-3000", "ED-3002", "ED-6003", "ED-6002"):
        assert expected in ids, f"{expected} not logged: {ids}"
    fields = dict(reversed(events))  # the first of each id
    assert fields["ED-2001"] == {"conversation": pseudonym(cid), "channel": "web", "length": 5, "kind": "text"}
    assert fields["ED-6003"] == {
        "conversation": pseudonym(cid),
        "length": MAX_MESSAGE_LENGTH + 1,
        "limit": MAX_MESSAGE_LENGTH,
    }
    assert fields["ED-6002"] == {"path": "/internal/handoffs", "reason": "token"}
    assert all(not r.__dict__.get("dropped_fields") for r in caplog.records if r.name == "elkedeur.events")
    assert cid not in caplog.text
