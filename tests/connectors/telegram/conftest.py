"""Fixtures: the fake Bot API, and the real connector process (`python -m connectors.telegram`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bridge.core.config import PROJECT_ROOT
from connectors.telegram.store import chats
from tests.connectors.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.e2e.conftest import RunningSystem, system  # noqa: F401  (session fixture reused here)


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    api.start()
    yield api
    api.stop()


class ConnectorProcess:
    """The Telegram connector as its own process, started and stopped like `make run` would."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connectors.telegram"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def state_url(env: dict[str, str]) -> str:
    """The connector's state database, as its settings choose it."""
    return env.get("TELEGRAM_STATE_URL") or f"sqlite:///{env['TELEGRAM_STATE_DB']}"


def linked_conversations(url: str, chat_id: int) -> list[str]:
    """The bridge conversations the connector's store maps this chat to (at most one)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                str(row[0])
                for row in connection.execute(select(chats.c.conversation_id).where(chats.c.chat_id == chat_id))
            ]
    finally:
        engine.dispose()


def connector_env(system: RunningSystem, fake_api: FakeBotApi, state_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **system.env,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake_api.base_url,
        "TELEGRAM_STATE_DB": str(state_dir / "telegram.db"),
        "TELEGRAM_POLL_TIMEOUT": "1",
        "BRIDGE_URL": system.base_url,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.update(extra)
    return env


@pytest.fixture
def connector(system: RunningSystem, fake_api: FakeBotApi, tmp_path: Path) -> Iterator[ConnectorProcess]:
    """A running connector in polling mode, pointed at the fake Bot API and the real bridge."""
    process = ConnectorProcess(connector_env(system, fake_api, tmp_path), tmp_path / "telegram.log")
    process.start()
    fake_api.wait_for(lambda: fake_api.calls_of("getMe"), timeout=30, what="the connector's getMe")
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()[-4000:]
    # Chat ids never reach the log in clear.
    for call in fake_api.calls_of("sendMessage"):
        assert str(call.params["chat_id"]) not in process.log()


def sent_texts(fake: FakeBotApi, chat_id: int) -> list[str]:
    """The texts the connector sent to this chat, in order."""
    return [str(c.params.get("text", "")) for c in fake.sent_to(chat_id)]


def settle(fake: FakeBotApi, chat_id: int, quiet: float = 2.0, timeout: float = 60.0) -> int:
    """Wait until nothing new went to the chat for `quiet` seconds; returns how many were sent."""
    deadline = time.monotonic() + timeout
    count, since = len(fake.sent_to(chat_id)), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = len(fake.sent_to(chat_id))
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
    raise AssertionError("the chat never went quiet")
