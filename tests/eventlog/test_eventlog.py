"""The shared allow-list mechanism (eventlog/): tables, cleaning, pseudonyms and the formatter.

Standard library only, like the package: it runs on Python 3.10 (Rasa's environment) and 3.11.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import io
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

import eventlog
from eventlog import AllowListFormatter, EventLog, event, pseudonym, set_pseudonym_key

ROOT = Path(__file__).resolve().parents[2]

TABLE = EventLog(
    "elkedeur.test.events",
    (
        event("T-1", "iets gebeurd", chat=int, conversation=str, count=int, kinds=(list, tuple), ok=bool),
        event("T-2", "fout", logging.ERROR, error=str),
        event("T-9", "onbekend log-event", logging.ERROR, requested=str),
    ),
    unknown="T-9",
    pseudonymised=("chat", "conversation"),
)
OTHER = EventLog("elkedeur.test.other", (event("O-9", "onbekend", requested=str),), unknown="O-9")


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def test_a_table_refuses_duplicate_ids_and_needs_its_unknown_event() -> None:
    with pytest.raises(ValueError, match="twice"):
        EventLog("x", (event("A", "a"), event("A", "b"), event("Z", "z", requested=str)), unknown="Z")
    with pytest.raises(ValueError, match="unknown-event"):
        EventLog("x", (event("A", "a"),), unknown="Z")
    with pytest.raises(ValueError, match="unknown-event"):
        EventLog("x", (event("Z", "z"),), unknown="Z")  # without the field `requested`


def test_fields_are_kept_cut_pseudonymised_or_dropped() -> None:
    set_pseudonym_key("eventlog-test")
    kept, dropped = TABLE.clean(
        TABLE.events["T-1"],
        {
            "chat": 123456789,
            "conversation": "3f1c2d9e-0000-4000-8000-000000000001",
            "count": True,  # a bool is not a count
            "kinds": ["bsn", "x" * 200],  # a long list item drops the list
            "ok": False,
            "text": "Mijn BSN is 123456782",
        },
    )
    expected = hmac.new(b"eventlog-test", b"123456789", hashlib.sha256).hexdigest()[:16]
    assert kept == {
        "chat": expected,
        "conversation": pseudonym("3f1c2d9e-0000-4000-8000-000000000001"),
        "ok": False,
    }
    assert sorted(dropped) == ["count", "kinds", "text"]
    assert TABLE.clean(TABLE.events["T-2"], {"error": "e" * 500})[0] == {"error": "e" * eventlog.MAX_STR}
    assert TABLE.clean(TABLE.events["T-1"], {"chat": "123456789"})[1] == ["chat"]  # the type is checked first


def test_the_key_decides_the_pseudonym() -> None:
    set_pseudonym_key("een")
    first = pseudonym("123")
    set_pseudonym_key(b"twee")
    assert pseudonym("123") != first and len(first) == eventlog.PSEUDONYM_LENGTH
    set_pseudonym_key("een")
    assert pseudonym("123") == first


def test_each_table_logs_to_its_own_logger_and_unknown_ids_to_its_own_event(log_stream: io.StringIO) -> None:
    TABLE.log("T-1", chat=42, count=3)
    TABLE.log("T-7", text="geheim")
    OTHER.log("Mijn BSN is 123456782 en meer tekst")
    first, unknown, other = _lines(log_stream)
    assert first["event"] == "T-1" and first["msg"] == "iets gebeurd"
    assert first["fields"] == {"chat": pseudonym("42"), "count": 3}
    assert unknown["event"] == "T-9" and unknown["fields"] == {"requested": "T-7"}
    assert other["event"] == "O-9" and other["fields"] == {"requested": "?"}
    assert "geheim" not in log_stream.getvalue() and "123456782" not in log_stream.getvalue()


def test_only_event_loggers_are_trusted(log_stream: io.StringIO) -> None:
    # A library that passes its own event_id is still a foreign record: no message, no fields.
    logging.getLogger("some.library").warning("chat %s", 42, extra={"event_id": "T-1", "event_fields": {"x": 1}})
    (entry,) = _lines(log_stream)
    assert entry == {"ts": entry["ts"], "level": "WARNING", "logger": "some.library"}
    assert eventlog.is_event_logger("elkedeur.test.events") and not eventlog.is_event_logger("some.library")


def test_levels_and_exceptions(log_stream: io.StringIO) -> None:
    logging.getLogger().setLevel(logging.WARNING)
    TABLE.log("T-1", count=1)  # INFO: filtered
    try:
        raise ValueError("tekst van gebruiker: 06-12345678")
    except ValueError:
        logging.getLogger("x").exception("failed")
    (entry,) = _lines(log_stream)
    assert entry["exc_type"] == "ValueError" and entry["exc_where"][-1].startswith("test_eventlog.py:")
    assert "06-12345678" not in log_stream.getvalue()
    record = logging.LogRecord("lib", logging.INFO, __file__, 1, "hallo %s", ("wereld",), None)
    assert json.loads(AllowListFormatter(foreign_messages=True).format(record))["msg"] == "hallo wereld"


def test_the_package_uses_the_standard_library_only() -> None:
    """Importable in both environments (the bot's Python 3.10 and the bridge's 3.11), like contract/."""
    stdlib = set(sys.stdlib_module_names)
    for path in sorted((ROOT / "eventlog").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in stdlib or top in {"__future__", "eventlog"}, f"{path.name} imports {name}"
