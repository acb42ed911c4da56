"""The Telegram connector against a fake Bot API, with the real bridge, Rasa and action server behind."""

from __future__ import annotations

import itertools
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.telegram.handlers import UNAVAILABLE
from tests.connectors.staff import Medewerker, open_case
from tests.connectors.telegram.conftest import (
    ConnectorProcess,
    connector_env,
    linked_conversations,
    sent_texts,
    settle,
    state_url,
)
from tests.connectors.telegram.fake_bot_api import FakeBotApi
from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e

_chat_ids = itertools.count(98_765_432_101)


def new_chat() -> int:
    return next(_chat_ids)


def wait_sent(fake: FakeBotApi, chat_id: int, count: int, timeout: float = 60.0) -> list[Any]:
    """Wait until at least `count` messages went to the chat; returns them."""
    return list(
        fake.wait_for(
            lambda: len(fake.sent_to(chat_id)) >= count and fake.sent_to(chat_id),
            timeout,
            f"{count} messages to the chat",
        )
    )


def chat_conversation(connector: ConnectorProcess, chat_id: int) -> str:
    """The bridge conversation the connector's store maps this chat to."""
    [conversation] = linked_conversations(state_url(connector.env), chat_id)
    return conversation


def conversation_of(system: RunningSystem, connector: ConnectorProcess, chat_id: int) -> dict[str, Any]:
    with system.client() as client:
        return dict(client.get(f"/api/conversations/{chat_conversation(connector, chat_id)}").json())


def test_start_buttons_handoff_and_live_staff_reply(
    system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess
) -> None:
    chat = new_chat()
    fake_api.send_text(chat, "/start")
    sent = wait_sent(fake_api, chat, 2)
    assert "Privacy" in sent[0].params["text"] and "/vergeet" in sent[0].params["text"]
    greeting = fake_api.wait_for(
        lambda: [c for c in fake_api.sent_to(chat) if c.params.get("reply_markup")], what="the greeting buttons"
    )[0]
    keyboard = greeting.params["reply_markup"]["inline_keyboard"]
    titles = [row[0]["text"] for row in keyboard]
    assert len(titles) >= 3, titles
    assert greeting.params["parse_mode"] == "HTML"

    # Press the "werkgever" button (or the last one): the query is answered, the keyboard removed.
    row = next((r for r in keyboard if "werkgever" in r[0]["text"].lower()), keyboard[-1])
    bot_message = {
        "message_id": 77,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "text": greeting.params["text"],
    }
    before = settle(fake_api, chat)
    fake_api.press(chat, bot_message, row[0]["callback_data"])
    fake_api.wait_for(lambda: fake_api.calls_of("answerCallbackQuery"), what="answerCallbackQuery")
    fake_api.wait_for(lambda: fake_api.calls_of("editMessageReplyMarkup"), what="keyboard removed")
    wait_sent(fake_api, chat, before + 1)
    conversation = conversation_of(system, connector, chat)
    assert conversation["channel"] == "telegram"
    assert any(
        m["author"] == "user" and m["payload"] == _payload_of(conversation, row[0]["text"])
        for m in conversation["messages"]
    )

    # Free text, then /medewerker: the bridge hands the case over.
    before = settle(fake_api, chat)
    fake_api.send_text(chat, "Ik zoek personeel in de zorg in Almere")
    wait_sent(fake_api, chat, before + 1)
    before = settle(fake_api, chat)
    fake_api.send_text(chat, "/medewerker")
    wait_sent(fake_api, chat, before + 1)
    fake_api.wait_for(
        lambda: conversation_of(system, connector, chat)["status"] == "wacht_op_medewerker", what="handoff"
    )
    settle(fake_api, chat)

    # A medewerker claims and replies in the console API; Telegram gets it within a second.
    case = open_case(system, chat_conversation(connector, chat))
    medewerker = Medewerker(system, case["queue"], name="Sanne")
    try:
        medewerker.claim(case["id"])
        fake_api.wait_for(
            lambda: any("Sanne" in t for t in sent_texts(fake_api, chat)),
            timeout=5,
            what="the 'medewerker joined' notice",
        )
        started = time.monotonic()
        medewerker.reply(case["id"], "Goedemiddag, ik help u verder. Zie https://www.werk.nl & <b>dit</b>.")
        arrived = fake_api.wait_for(
            lambda: [c for c in fake_api.sent_to(chat) if "ik help u verder" in str(c.params["text"])],
            timeout=5,
            what="the staff reply",
        )[0]
        latency = arrived.at - started
        assert latency < 1.0, f"staff reply took {latency:.2f} s"
        text = arrived.params["text"]
        assert text.startswith("<b>Medewerker:</b>")
        assert '<a href="https://www.werk.nl">https://www.werk.nl</a> &amp; &lt;b&gt;dit&lt;/b&gt;.' in text
        # The person answers; it goes to the medewerker, not the bot.
        before = settle(fake_api, chat)
        fake_api.send_text(chat, "Dank u, ik wacht.")
        fake_api.wait_for(
            lambda: any(m["text"] == "Dank u, ik wacht." for m in conversation_of(system, connector, chat)["messages"]),
            what="the user's message stored",
        )
        assert settle(fake_api, chat) == before, "no bot reply while a medewerker answers"
    finally:
        medewerker.close()
    print(f"staff reply → Telegram latency: {latency * 1000:.0f} ms")


def _payload_of(conversation: dict[str, Any], title: str) -> str:
    for message in conversation["messages"]:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return str(button["payload"])
    raise AssertionError(f"no button {title!r}")


def test_non_text_gets_a_polite_answer(
    system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess
) -> None:
    chat = new_chat()
    fake_api.send_photo(chat)
    [answer] = wait_sent(fake_api, chat, 1)
    assert "alleen tekst" in answer.params["text"]
    fake_api.send_text(chat, "/onbekend")
    wait_sent(fake_api, chat, 2)
    assert "commando" in sent_texts(fake_api, chat)[1]
    # Still working afterwards.
    fake_api.send_text(chat, "hallo")
    wait_sent(fake_api, chat, 3)


def test_rate_limit_is_respected(system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess) -> None:
    chat = new_chat()
    fake_api.rate_limit_next = [2]
    fake_api.send_photo(chat)
    fake_api.wait_for(lambda: len(fake_api.sent_to(chat)) >= 2, what="the retried sendMessage")
    first, second = fake_api.sent_to(chat)[:2]
    assert first.params["text"] == second.params["text"]
    assert second.at - first.at >= 2.0, "waited retry_after seconds before sending again"
    assert settle(fake_api, chat) == 2


def test_restart_does_not_answer_old_updates_again(
    system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess
) -> None:
    chat = new_chat()
    fake_api.send_text(chat, "/start")
    wait_sent(fake_api, chat, 2)
    answered = settle(fake_api, chat)
    conversation = chat_conversation(connector, chat)

    # A crash, and Telegram resends everything that was not confirmed.
    connector.stop(signal.SIGKILL)
    fake_api.redeliver_all()
    polls_before = len(fake_api.calls_of("getUpdates"))
    connector.start()
    fake_api.wait_for(lambda: len(fake_api.calls_of("getUpdates")) > polls_before + 2, what="polling again")
    assert settle(fake_api, chat, quiet=2.0) == answered, "an old update was answered twice"

    # The chat keeps its conversation across the restart.
    fake_api.send_text(chat, "Ik ben werkgever")
    wait_sent(fake_api, chat, answered + 1)
    assert chat_conversation(connector, chat) == conversation


def test_stop_and_vergeet(system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess) -> None:
    chat = new_chat()
    fake_api.send_text(chat, "hallo")
    wait_sent(fake_api, chat, 1)
    first = chat_conversation(connector, chat)
    count = settle(fake_api, chat)
    fake_api.send_text(chat, "/stop")
    wait_sent(fake_api, chat, count + 1)
    assert "gestopt" in sent_texts(fake_api, chat)[-1]
    fake_api.send_text(chat, "hallo")
    wait_sent(fake_api, chat, count + 2)
    assert chat_conversation(connector, chat) != first, "after /stop a new conversation starts"

    count = settle(fake_api, chat)
    fake_api.send_text(chat, "/vergeet")
    wait_sent(fake_api, chat, count + 1)
    assert "gewist" in sent_texts(fake_api, chat)[-1]
    with pytest.raises(ValueError):
        chat_conversation(connector, chat)  # no chat id is kept after /vergeet


def test_a_conversation_erased_by_the_bridge_starts_anew(
    system: RunningSystem, fake_api: FakeBotApi, connector: ConnectorProcess
) -> None:
    chat = new_chat()
    fake_api.send_text(chat, "hallo")
    wait_sent(fake_api, chat, 1)
    first = chat_conversation(connector, chat)
    count = settle(fake_api, chat)
    with system.client() as client:  # as the retention job or an erasure elsewhere does
        assert client.delete(f"/api/conversations/{first}").status_code == 204
    fake_api.send_text(chat, "Ik zoek werk")
    wait_sent(fake_api, chat, count + 1)
    second = chat_conversation(connector, chat)
    assert second != first
    assert UNAVAILABLE not in sent_texts(fake_api, chat)
    assert [m["text"] for m in conversation_of(system, connector, chat)["messages"] if m["author"] == "user"] == [
        "Ik zoek werk"
    ]


def test_webhook_mode_checks_the_secret(system: RunningSystem, fake_api: FakeBotApi, tmp_path: Path) -> None:
    from tests.connectors.telegram.fake_bot_api import free_port

    port = free_port()
    secret = "webhook-secret-0123456789"
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    process = ConnectorProcess(
        connector_env(
            system,
            fake_api,
            tmp_path,
            TELEGRAM_WEBHOOK_URL=url,
            TELEGRAM_WEBHOOK_SECRET=secret,
            TELEGRAM_WEBHOOK_PORT=str(port),
        ),
        tmp_path / "webhook.log",
    )
    process.start()
    try:
        [registered] = fake_api.wait_for(lambda: fake_api.calls_of("setWebhook"), timeout=30, what="setWebhook")
        assert registered.params["url"] == url and registered.params["secret_token"] == secret
        chat = new_chat()
        update = {"update_id": 9001, **fake_api.text_update(chat, "hallo")}
        fake_api.wait_for(lambda: _post_ok(url, {}, update) is not None, timeout=15, what="the webhook server")
        assert _post_ok(url, {}, update) == 403
        assert _post_ok(url, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, update) == 403
        assert _post_ok(url, {"X-Telegram-Bot-Api-Secret-Token": secret}, update) == 200
        wait_sent(fake_api, chat, 1)
        # Telegram retries a webhook call it thinks failed: the same update is handled once.
        count = settle(fake_api, chat)
        assert _post_ok(url, {"X-Telegram-Bot-Api-Secret-Token": secret}, update) == 200
        assert settle(fake_api, chat) == count
    finally:
        process.stop()
    assert "Traceback" not in process.log(), process.log()[-4000:]


def _post_ok(url: str, headers: dict[str, str], body: dict[str, Any]) -> int | None:
    try:
        return httpx.post(url, json=body, headers=headers, timeout=10).status_code
    except httpx.HTTPError:
        return None
