"""Reliability of the bridge: Rasa down or slow, action server down, duplicate deliveries."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.api.deps import get_rasa
from bridge.core.db import get_session, get_sessionmaker
from bridge.models import Conversation, HandoffCase, Message
from bridge.services import reliability
from bridge.services.conversations import handle_user_message
from bridge.services.rasa_client import RasaClient
from bridge.services.reliability import BOT_UNAVAILABLE_NOTICE, LEAVE_QUESTION_PAYLOAD
from tests.bridge.conftest import STAFF_TOKEN, ScriptedRasa


def _new_conversation(client: TestClient) -> str:
    return str(client.post("/api/conversations").json()["id"])


def _messages(conversation_id: str) -> list[Message]:
    with get_sessionmaker()() as session:
        return list(
            session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))
        )


def _answer(client: TestClient, conversation_id: str, **body: Any) -> Any:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _shown(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the person sees of the replies (their ids are checked in the tests about ids)."""
    return [{"text": reply["text"], "buttons": reply["buttons"]} for reply in replies]


def _post(client: TestClient, conversation_id: str, **body: Any) -> Any:
    return _shown(_answer(client, conversation_id, **body)["replies"])


def _assert_unavailable_notice(replies: list[dict[str, Any]]) -> None:
    assert replies == [
        {
            "text": BOT_UNAVAILABLE_NOTICE,
            "buttons": [{"title": "Vraag achterlaten voor een medewerker", "payload": LEAVE_QUESTION_PAYLOAD}],
        }
    ]


@pytest.fixture
def silent_rasa() -> Iterator[str]:
    """A port that accepts connections but never answers: a Rasa server that hangs."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_rasa_down_gives_a_dutch_notice_and_keeps_the_message(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.down = True
    replies = _post(client, conversation_id, text="ik zoek werk in Almere")
    _assert_unavailable_notice(replies)
    user, notice = _messages(conversation_id)
    assert (user.author, user.text, user.delivered) == ("user", "ik zoek werk in Almere", False)
    assert (notice.author, notice.text) == ("system", BOT_UNAVAILABLE_NOTICE)


def test_rasa_timeout_gives_the_notice_quickly(client: TestClient, silent_rasa: str) -> None:
    slow = RasaClient(silent_rasa, "token", timeout=0.5)
    client.app.dependency_overrides[get_rasa] = lambda: slow  # type: ignore[attr-defined]
    conversation_id = _new_conversation(client)
    started = time.monotonic()
    replies = _post(client, conversation_id, text="hallo")
    assert time.monotonic() - started < 5
    _assert_unavailable_notice(replies)
    assert _messages(conversation_id)[0].delivered is False
    slow.close()


def test_conversation_continues_when_rasa_is_back_without_replaying(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.down = True
    _post(client, conversation_id, text="eerste vraag")
    rasa.down = False
    rasa.replies = [{"recipient_id": conversation_id, "text": "Welkom terug!"}]
    replies = _post(client, conversation_id, text="tweede vraag")
    assert replies == [{"text": "Welkom terug!", "buttons": []}]
    # The unanswered message is not replayed: Rasa only gets the new one.
    assert rasa.received == [(conversation_id, "tweede vraag")]
    stored = [(m.author, m.text, m.delivered) for m in _messages(conversation_id)]
    assert stored == [
        ("user", "eerste vraag", False),
        ("system", BOT_UNAVAILABLE_NOTICE, True),
        ("user", "tweede vraag", True),
        ("bot", "Welkom terug!", True),
    ]


def test_leave_question_button_opens_a_storing_case(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.down = True
    _post(client, conversation_id, text="ik word ontslagen, wat nu?")
    replies = _post(client, conversation_id, payload=LEAVE_QUESTION_PAYLOAD)
    assert "medewerker" in replies[0]["text"] and "Elke Deur algemeen" in replies[0]["text"]
    assert rasa.received == []  # handled by the bridge itself, Rasa is down anyway

    listed = client.get("/api/handoffs", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
    [case] = listed["data"]
    assert (case["conversation_id"], case["reden"], case["queue"]) == (conversation_id, "storing", "Elke Deur algemeen")
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "wacht_op_medewerker"
    # Every user message has now reached a recipient: the medewerker's transcript.
    assert all(m.delivered for m in _messages(conversation_id))

    rasa.down = False
    later = _post(client, conversation_id, text="nog een vraag")
    assert "doorgegeven" in later[0]["text"]
    assert rasa.received == []  # waiting for a medewerker: not to Rasa


def test_leave_question_takes_the_intake_from_rasa_when_it_answers(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.tracker_slots = {"rol": "werkzoekende", "uitkering": "ww", "arrangeur": "uwv", "gemeente": "Almere"}
    _post(client, conversation_id, payload=LEAVE_QUESTION_PAYLOAD)
    with get_sessionmaker()() as session:
        case = session.scalars(select(HandoffCase)).one()
        assert (case.queue, case.reden, case.intake["uitkering"]) == ("UWV", "storing", "ww")


def test_empty_answer_while_action_server_is_down_gives_the_notice(client: TestClient, rasa: ScriptedRasa) -> None:
    # The client fixture points ACTIONS_PORT at a port where nothing listens.
    conversation_id = _new_conversation(client)
    rasa.replies = []
    _assert_unavailable_notice(_post(client, conversation_id, text="ik ben werkgever"))
    user = _messages(conversation_id)[0]
    assert user.delivered is True  # Rasa did get it (its slots may have changed)


def test_empty_answer_with_a_healthy_action_server_stays_empty(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.replies = []
    with get_sessionmaker()() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        turn = handle_user_message(
            session,
            rasa,
            conversation,
            text="hm",
            payload=None,  # type: ignore[arg-type]
            actions_healthy=lambda: True,
        )
    assert turn.replies == []
    assert turn.message_id == _messages(conversation_id)[0].id


def test_same_client_message_id_is_stored_once(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.replies = [
        {
            "recipient_id": conversation_id,
            "text": "Wat is uw rol?",
            "buttons": [{"title": "Werkgever", "payload": "/inform_werkgever"}],
        }
    ]
    first = _post(client, conversation_id, text="hallo", client_message_id="m-1")
    rasa.replies = [{"recipient_id": conversation_id, "text": "iets anders"}]
    second = _post(client, conversation_id, text="hallo", client_message_id="m-1")
    assert (
        first
        == second
        == [{"text": "Wat is uw rol?", "buttons": [{"title": "Werkgever", "payload": "/inform_werkgever"}]}]
    )
    assert rasa.received == [(conversation_id, "hallo")]
    assert [(m.author, m.client_message_id) for m in _messages(conversation_id)] == [("user", "m-1"), ("bot", None)]

    # A new id is a new message; the same id in another conversation is that conversation's own.
    _post(client, conversation_id, text="hallo", client_message_id="m-2")
    other = _new_conversation(client)
    _post(client, other, text="hallo", client_message_id="m-1")
    assert len(rasa.received) == 3


def test_retry_after_a_failure_returns_the_notice_without_storing_twice(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.down = True
    first = _post(client, conversation_id, text="hallo", client_message_id="retry-1")
    rasa.down = False
    second = _post(client, conversation_id, text="hallo", client_message_id="retry-1")
    assert first == second
    assert [m.author for m in _messages(conversation_id)] == ["user", "system"]
    assert rasa.received == []  # a duplicate is never sent on: a new message continues the conversation


def test_concurrent_duplicates_are_stored_once(
    client: TestClient, rasa: ScriptedRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation_id = _new_conversation(client)
    first_with_rasa, retry_waiting = threading.Event(), threading.Event()
    original_send, original_wait = rasa.send, reliability.replies_for_duplicate

    def held_send(sender_id: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        first_with_rasa.set()
        # Rasa answers only once the retry waits for this attempt: the race happens every run.
        assert retry_waiting.wait(timeout=10), "the retry never waited for the first attempt"
        return original_send(sender_id, message, metadata)

    def noted_wait(*args: Any, **kwargs: Any) -> Any:
        retry_waiting.set()
        return original_wait(*args, **kwargs)

    rasa.send = held_send  # type: ignore[method-assign]
    monkeypatch.setattr(reliability, "replies_for_duplicate", noted_wait)
    results: list[Any] = [None, None]

    def post(index: int) -> None:
        results[index] = _post(client, conversation_id, text="hallo", client_message_id="same")

    first, retry = (threading.Thread(target=post, args=(i,)) for i in range(2))
    first.start()
    assert first_with_rasa.wait(timeout=10)
    retry.start()
    for thread in (first, retry):
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert results[0] == results[1] == [{"text": "Goedendag!", "buttons": []}]
    assert rasa.received == [(conversation_id, "hallo")]
    assert [m.author for m in _messages(conversation_id)] == ["user", "bot"]


@pytest.mark.parametrize("bad", ["", "x" * 65, "met spatie", "<script>"])
def test_client_message_id_is_validated(client: TestClient, bad: str) -> None:
    conversation_id = _new_conversation(client)
    response = client.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": "hallo", "client_message_id": bad}
    )
    assert response.status_code == 422


def test_retry_of_a_message_whose_first_attempt_died_is_sent_once_more(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    with get_sessionmaker()() as session:
        # What a bridge killed while Rasa had the message leaves behind: stored, undelivered, no reply.
        session.add(
            Message(
                conversation_id=conversation_id,
                author="user",
                text="ik woon in Almere",
                delivered=False,
                client_message_id="crash-1",
            )
        )
        session.commit()
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        turn = handle_user_message(
            session,
            rasa,
            conversation,
            text="ik woon in Almere",
            payload=None,  # type: ignore[arg-type]
            client_message_id="crash-1",
            duplicate_wait_s=0.0,
        )
    replies = _shown(turn.replies)
    assert replies == [{"text": "Goedendag!", "buttons": []}]
    assert rasa.received == [(conversation_id, "ik woon in Almere")]
    assert [(m.author, m.delivered) for m in _messages(conversation_id)] == [("user", True), ("bot", True)]
    # A further retry now finds the answer and does not send it again.
    assert _post(client, conversation_id, text="ik woon in Almere", client_message_id="crash-1") == replies
    assert len(rasa.received) == 1


def test_probes_keep_the_bridge_in_service_while_rasa_is_down(client: TestClient, rasa: ScriptedRasa) -> None:
    rasa.down = True  # and no action server listens (ACTIONS_PORT=1)
    assert client.get("/health").status_code == 503  # monitoring sees the outage
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}


def test_readiness_fails_without_a_database(client: TestClient) -> None:
    class NoDatabase:
        def execute(self, *args: Any) -> None:
            raise OSError("database weg")

    client.app.dependency_overrides[get_session] = lambda: NoDatabase()  # type: ignore[attr-defined]
    ready = client.get("/health/ready")
    assert ready.status_code == 503 and ready.json() == {"status": "gestoord", "database": "fout"}
    assert client.get("/health/live").status_code == 200
