"""The connector's log lines name the chat by a keyed pseudonym (LOG_PSEUDONYM_KEY), never by its id,
and the connector imports nothing from the bridge (it shares only `eventlog` with it)."""

from __future__ import annotations

import ast
import asyncio
import hashlib
import hmac
import logging
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

import eventlog
from connectors.telegram import app, handlers
from connectors.telegram.bridge_client import BridgeError
from connectors.telegram.logs import EVENT_LOGGER
from connectors.telegram.relay import Relay
from connectors.telegram.store import Store

ROOT = Path(__file__).resolve().parents[3]
CHAT = 987654321
KEY = "telegram-log-test"
T = TypeVar("T")


def _expected(chat_id: int, key: str = KEY) -> str:
    """The pseudonym, computed here independently: HMAC-SHA256 of the chat id under the log key."""
    return hmac.new(key.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()[:16]


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own (an earlier test may leave an event loop in the main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeBridge:
    def __init__(self) -> None:
        self.created = 0
        self.gone = False  # the next send answers 404: the bridge erased the conversation

    async def create_conversation(self) -> str:
        self.created += 1
        return f"conv-{self.created}"

    async def send(
        self, conversation_id: str, *, text: str | None = None, payload: str | None = None
    ) -> dict[str, Any]:
        if self.gone:
            self.gone = False
            raise BridgeError("weg", status=404)
        return {"message_id": 1, "replies": [{"id": 2, "author": "bot", "text": "Goedendag!", "buttons": []}]}

    async def conversation(self, conversation_id: str) -> dict[str, Any]:
        return {"id": conversation_id, "messages": []}


class BlockedBot:
    """The person blocked the bot: Telegram refuses every message to the chat."""

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        raise Forbidden("Forbidden: bot was blocked by the user")


@pytest.fixture
def events(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    eventlog.set_pseudonym_key(KEY)
    caplog.set_level(logging.INFO, logger=EVENT_LOGGER)
    yield caplog


def _logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, dict[str, Any]]]:
    return [(r.__dict__["event_id"], r.__dict__["event_fields"]) for r in caplog.records if r.name == EVENT_LOGGER]


def _no_chat_id(caplog: pytest.LogCaptureFixture, chat_id: int = CHAT) -> None:
    for record in caplog.records:
        assert str(chat_id) not in f"{record.getMessage()} {record.__dict__.get('event_fields')}"


def test_relay_lines_carry_the_chat_pseudonym(events: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    bridge = FakeBridge()
    store = Store(f"sqlite:///{tmp_path / 'telegram.db'}", "123456:bot-token")
    relay = Relay(bridge, store)  # type: ignore[arg-type]
    try:
        _run(relay.relay(BlockedBot(), CHAT, text="hallo"))  # type: ignore[arg-type]
        bridge.gone = True
        _run(relay.relay(BlockedBot(), CHAT, text="nog eens"))  # type: ignore[arg-type]
        chat_key = store.chat_key(CHAT)
    finally:
        store.close()
    pseudonym = _expected(CHAT)
    assert _logged(events) == [
        ("ED-7002", {"chat": pseudonym}),  # linked to a new conversation
        ("ED-7005", {"error": "Forbidden", "chat": pseudonym}),  # the bot was blocked
        ("ED-7004", {"chat": pseudonym}),  # the bridge erased the conversation: a new one
        ("ED-7002", {"chat": pseudonym}),
        ("ED-7005", {"error": "Forbidden", "chat": pseudonym}),
    ]
    # The log key, not the store's: a log line cannot be looked up in the connector's table.
    assert pseudonym != chat_key and not chat_key.startswith(pseudonym)
    _no_chat_id(events)


def test_handler_lines_carry_the_chat_pseudonym(events: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    update = Update.de_json(
        {
            "update_id": 5001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": CHAT, "type": "private"},
                "from": {"id": CHAT, "is_bot": False, "first_name": "Jan"},
                "text": "hallo",
            },
        },
        None,
    )
    store = Store(f"sqlite:///{tmp_path / 'telegram.db'}", "123456:bot-token")
    context: Any = SimpleNamespace(bot_data={"relay": SimpleNamespace(store=store)}, error=RuntimeError("tekst"))
    try:
        _run(handlers.dedupe(update, context))
        with pytest.raises(ApplicationHandlerStop):
            _run(handlers.dedupe(update, context))  # Telegram delivered it again
        _run(handlers.on_error(update, context))
        _run(handlers.on_error(None, context))  # an error outside any update: no chat
    finally:
        store.close()
    pseudonym = _expected(CHAT)
    assert _logged(events) == [
        ("ED-7009", {"update_id": 5001, "chat": pseudonym}),
        ("ED-7014", {"task": "handler", "error": "RuntimeError", "chat": pseudonym}),
        ("ED-7014", {"task": "handler", "error": "RuntimeError", "chat": None}),
    ]
    _no_chat_id(events)
    assert "Jan" not in events.text


def test_the_connector_takes_the_log_key_from_its_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """LOG_PSEUDONYM_KEY, as the bridge: with one key both processes' pseudonyms stay stable across restarts."""
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("LOG_PSEUDONYM_KEY", "sleutel-uit-de-omgeving")
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in eventlog.NOISY_LOGGERS}
    try:
        with pytest.raises(SystemExit):  # no bot token: the connector does not start, after logging is set up
            app.main()
        assert eventlog.pseudonym(str(CHAT)) == _expected(CHAT, "sleutel-uit-de-omgeving")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_connector_imports_nothing_from_the_bridge() -> None:
    """It runs as its own process and talks to the bridge over HTTP; the log mechanism comes from eventlog/."""
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "connectors").rglob("*.py"))
        for name in _imports(path)
        if name == "bridge" or name.startswith("bridge.")
    }
    assert sorted(found) == []
    assert "eventlog" in _imports(ROOT / "connectors" / "telegram" / "logs.py")
