"""The public conversation API: contract, storage before forwarding, routing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.core.db import get_sessionmaker
from bridge.models import Message
from tests.bridge.conftest import SERVICE_TOKEN, ScriptedRasa


def _new_conversation(client: TestClient) -> str:
    response = client.post("/api/conversations")
    assert response.status_code == 201
    conversation_id = response.json()["id"]
    assert uuid.UUID(conversation_id).version == 4
    return conversation_id


def _messages(conversation_id: str) -> list[Message]:
    with get_sessionmaker()() as session:
        return list(
            session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))
        )


def test_message_goes_to_rasa_and_replies_come_back(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.replies = [
        {
            "recipient_id": conversation_id,
            "text": "Wie bent u?",
            "buttons": [{"title": "Werkgever", "payload": "/inform_werkgever"}],
        }
    ]
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "hallo"})
    assert response.status_code == 200
    assert rasa.received == [(conversation_id, "hallo")]
    stored = _messages(conversation_id)
    assert [(m.author, m.text, m.delivered) for m in stored] == [
        ("user", "hallo", True),
        ("bot", "Wie bent u?", True),
    ]
    # The stored ids come along (issue 19), so a channel renders and de-duplicates without a GET.
    assert response.json() == {
        "message_id": stored[0].id,
        "replies": [
            {
                "id": stored[1].id,
                "author": "bot",
                "text": "Wie bent u?",
                "buttons": [{"title": "Werkgever", "payload": "/inform_werkgever"}],
            }
        ],
    }
    assert client.get(f"/api/conversations/{conversation_id}").json()["messages"][1]["id"] == stored[1].id


def test_the_replies_of_one_message_are_stored_in_one_commit(client: TestClient, rasa: ScriptedRasa) -> None:
    """A retry sees all of a turn's replies or none (issue 18): one commit for the privacy notice and every reply."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    conversation_id = _new_conversation(client)
    rasa.replies = [{"recipient_id": conversation_id, "text": "Eén"}, {"recipient_id": conversation_id, "text": "Twee"}]
    visible_after_commit: list[int] = []
    listener = lambda session: visible_after_commit.append(len(_messages(conversation_id)))  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        replies = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "bel 0612345678"}).json()[
            "replies"
        ]
    finally:
        event.remove(Session, "after_commit", listener)
    assert [r["author"] for r in replies] == ["system", "bot", "bot"]  # the privacy notice, then Rasa's two
    stored = _messages(conversation_id)
    assert [m.id for m in stored[1:]] == [r["id"] for r in replies]
    # The user's message was committed on its own (before Rasa saw it); the three replies together.
    assert visible_after_commit == [1, 4]


def test_payload_is_forwarded_as_is(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    client.post(f"/api/conversations/{conversation_id}/messages", json={"payload": "/inform_werkgever"})
    assert rasa.received == [(conversation_id, "/inform_werkgever")]


def test_message_is_stored_even_when_rasa_is_down(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.down = True
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "ik zoek werk"})
    # Since issue 8: a Dutch notice (200) instead of a bare 503; see tests/bridge/services/test_reliability.py.
    assert response.status_code == 200
    assert "bewaard" in response.json()["replies"][0]["text"]
    stored = _messages(conversation_id)[0]
    assert (stored.author, stored.text, stored.delivered) == ("user", "ik zoek werk", False)


def test_empty_and_malformed_messages_get_a_clear_error(client: TestClient) -> None:
    conversation_id = _new_conversation(client)
    for body in ({"text": "   "}, {}, {"payload": "geen-slash"}, {"text": "x" * 2001}):
        response = client.post(f"/api/conversations/{conversation_id}/messages", json=body)
        assert response.status_code == 422, body


def test_unknown_conversation_is_404(client: TestClient) -> None:
    response = client.post(f"/api/conversations/{uuid.uuid4()}/messages", json={"text": "hoi"})
    assert response.status_code == 404
    assert client.get(f"/api/conversations/{uuid.uuid4()}").status_code == 404


def test_read_conversation_shows_status_slots_and_messages(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    rasa.tracker_slots = {"rol": "werkgever", "gemeente": "Almere"}
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "ik zoek personeel"})
    body = client.get(f"/api/conversations/{conversation_id}").json()
    assert body["id"] == conversation_id
    assert body["channel"] == "web"
    assert body["status"] == "bot"
    assert body["slots"] == {"rol": "werkgever", "gemeente": "Almere"}
    assert [m["author"] for m in body["messages"]] == ["user", "bot"]


def test_after_handoff_messages_go_to_staff_not_rasa(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = _new_conversation(client)
    created = client.post(
        "/internal/handoffs",
        json={
            "conversation_id": conversation_id,
            "intake": {"rol": "werkzoekende", "uitkering": "ww", "arrangeur": "uwv"},
        },
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert created.status_code == 201
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "nog een vraag"})
    assert rasa.received == []
    [reply] = response.json()["replies"]
    assert "UWV" in reply["text"]
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "wacht_op_medewerker"


def test_identifiers_are_masked_before_storage_and_rasa_and_the_user_is_told_once(
    client: TestClient, rasa: ScriptedRasa
) -> None:
    conversation_id = _new_conversation(client)
    send = f"/api/conversations/{conversation_id}/messages"
    first = client.post(send, json={"text": "mijn bsn is 111222333 en mail me op jan@example.nl"}).json()["replies"]
    assert rasa.received == [(conversation_id, "mijn bsn is [BSN verwijderd] en mail me op [e-mailadres verwijderd]")]
    assert "BSN" in first[0]["text"] or "burgerservicenummer" in first[0]["text"].lower()
    assert first[-1]["text"] == "Goedendag!"

    second = client.post(send, json={"text": "bel me op 06-12345678"}).json()["replies"]
    assert [r["text"] for r in second] == ["Goedendag!"]  # told only once

    stored = " ".join(m.text or "" for m in _messages(conversation_id))
    assert "111222333" not in stored and "jan@example.nl" not in stored and "12345678" not in stored
