"""The relay delivers the replies of a POST by their ids; it reads the conversation back only when needed."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from connectors.telegram.relay import Answer, Relay
from connectors.telegram.store import Store

CHAT = 4242
T = TypeVar("T")


class FakeBridge:
    """The bridge's conversation API as the relay uses it; counts the read-backs."""

    def __init__(self) -> None:
        self.stored: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.reads = 0

    async def create_conversation(self) -> str:
        return "conv-1"

    async def send(
        self, conversation_id: str, *, text: str | None = None, payload: str | None = None
    ) -> dict[str, Any]:
        return self.answers.pop(0)

    async def conversation(self, conversation_id: str) -> dict[str, Any]:
        self.reads += 1
        return {"id": conversation_id, "messages": self.stored}


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.sent.append(text)


def _message(message_id: int, author: str, text: str) -> dict[str, Any]:
    return {"id": message_id, "author": author, "text": text, "buttons": []}


def _turn(bridge: FakeBridge, user_id: int, *replies: dict[str, Any]) -> None:
    bridge.stored += [_message(user_id, "user", "vraag"), *replies]
    bridge.answers.append({"message_id": user_id, "replies": list(replies)})


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: earlier tests in the session may leave an event loop running
    in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_replies_that_follow_on_are_delivered_without_reading_back(tmp_path: Path) -> None:
    bridge, bot = FakeBridge(), FakeBot()
    store = Store(f"sqlite:///{tmp_path / 'telegram.db'}", "bot-token")
    relay = Relay(bridge, store)  # type: ignore[arg-type]
    try:
        _turn(bridge, 1, _message(2, "bot", "Goedendag!"), _message(3, "bot", "Wie bent u?"))
        _run(relay.relay(bot, CHAT, text="hallo"))  # type: ignore[arg-type]
        _turn(bridge, 4, _message(5, "system", "Ik heb uw BSN weggehaald."), _message(6, "bot", "Dank u."))
        _run(relay.relay(bot, CHAT, text="bsn"))  # type: ignore[arg-type]
        assert bridge.reads == 0
        assert bot.sent == ["Goedendag!", "Wie bent u?", "<b>Melding:</b> Ik heb uw BSN weggehaald.", "Dank u."]
        assert store.delivery_state("conv-1").last_delivered == 6  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_message_in_between_is_not_skipped(tmp_path: Path) -> None:
    """A staff message stored between two turns (its event not yet handled) comes from a read-back."""
    bridge, bot = FakeBridge(), FakeBot()
    store = Store(f"sqlite:///{tmp_path / 'telegram.db'}", "bot-token")
    relay = Relay(bridge, store)  # type: ignore[arg-type]
    try:
        _turn(bridge, 1, _message(2, "bot", "Goedendag!"))
        _run(relay.relay(bot, CHAT, text="hallo"))  # type: ignore[arg-type]
        bridge.stored.append(_message(3, "staff", "Sanne hier."))
        _turn(bridge, 4, _message(5, "system", "Uw bericht is doorgegeven."))
        _run(relay.relay(bot, CHAT, text="nog iets"))  # type: ignore[arg-type]
        assert bridge.reads == 1
        assert bot.sent == [
            "Goedendag!",
            "<b>Medewerker:</b> Sanne hier.",
            "<b>Melding:</b> Uw bericht is doorgegeven.",
        ]
    finally:
        store.close()


def test_answer_follows_on_only_without_gaps() -> None:
    answer = Answer.of({"message_id": 10, "replies": [_message(11, "bot", "a"), _message(12, "bot", "b")]})
    assert answer.wanted == 12
    assert answer.follows_on(9) and answer.follows_on(11)
    assert not answer.follows_on(8)  # message 9 is unknown: it may be a staff message
    assert not Answer.of({"message_id": 10, "replies": []}).follows_on(9)
    assert Answer.of({"replies": [{"text": "zonder id", "buttons": []}]}).replies == []
