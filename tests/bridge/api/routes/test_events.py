"""Live events: the in-process hub, the channel WebSocket contract, the connector and console streams."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from bridge.services import events
from tests.bridge.conftest import SERVICE_TOKEN, ScriptedRasa
from tests.bridge.factories import GEMEENTE_INTAKE, login, make_case, make_staff


def receive(ws: WebSocketTestSession, timeout: float = 5.0) -> dict[str, Any]:
    """The next JSON event, failing the test instead of hanging when none comes."""

    async def _next() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()  # noqa: SLF001 - TestClient has no receive timeout

    message = ws.portal.call(_next)
    assert message["type"] == "websocket.send", message
    return dict(json.loads(message["text"]))


def receive_until(ws: WebSocketTestSession, wanted: str, **match: Any) -> dict[str, Any]:
    """Skip events until one of type `wanted` whose fields match."""
    for _ in range(20):
        event = receive(ws)
        body = event.get("message", event)
        if event["type"] == wanted and all(body.get(k) == v for k, v in match.items()):
            return event
    raise AssertionError(f"no {wanted} event matching {match}")


# --- the hub itself -------------------------------------------------------------------------


def test_hub_delivers_from_other_threads_and_forgets_closed_subscriptions() -> None:
    hub = events.LocalEventHub()

    async def scenario() -> list[dict[str, Any]]:
        async with hub.subscribe("a", "b") as subscription:
            assert hub.subscriber_count("a") == 1
            threads = [threading.Thread(target=hub.publish, args=(t, {"n": i})) for i, t in enumerate("abc")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            got = [await asyncio.wait_for(subscription.get(), 2) for _ in range(2)]
        assert hub.subscriber_count("a") == 0
        return got

    got = asyncio.run(scenario())
    assert sorted(e["n"] for e in got) == [0, 1]  # topic "c" had no subscriber here


def test_slow_subscriber_gets_overflow_instead_of_unbounded_memory() -> None:
    hub = events.LocalEventHub()

    async def scenario() -> dict[str, Any]:
        async with hub.subscribe("t") as subscription:
            for i in range(events.SUBSCRIBER_QUEUE_SIZE + 10):
                hub.publish("t", {"n": i})
            await asyncio.sleep(0.05)  # let call_soon_threadsafe callbacks run
            return await subscription.get()

    assert asyncio.run(scenario()) == events.OVERFLOW


def test_publish_without_subscribers_or_with_a_closed_loop_never_raises() -> None:
    hub = events.LocalEventHub()
    hub.publish("nobody", {"type": "x"})

    async def subscribe_and_leak() -> None:
        context = hub.subscribe("t")
        await context.__aenter__()  # never closed: its loop ends with it

    asyncio.run(subscribe_and_leak())
    hub.publish("t", {"type": "x"})
    assert hub.subscriber_count("t") == 0


def test_staff_messages_helper_yields_only_staff_and_system_messages() -> None:
    hub = events.LocalEventHub()
    events.set_event_hub(hub)
    try:

        async def scenario() -> list[str | None]:
            stream = events.staff_messages("c1")
            first = asyncio.ensure_future(stream.__anext__())
            while hub.subscriber_count(events.conversation_topic("c1")) == 0:
                await asyncio.sleep(0.01)
            for author in ("user", "bot", "staff"):
                hub.publish(
                    events.conversation_topic("c1"), {"type": "message", "message": {"author": author, "text": author}}
                )
            message = await asyncio.wait_for(first, 2)
            await stream.aclose()
            return [message["text"]]

        assert asyncio.run(scenario()) == ["staff"]
    finally:
        events.set_event_hub(None)


# --- the channel contract: GET /api/conversations/{id}/events ---------------------------------


def test_catch_up_sends_stored_messages_after_the_given_id_then_the_status(
    client: TestClient, rasa: ScriptedRasa
) -> None:
    conversation_id = client.post("/api/conversations").json()["id"]
    rasa.replies = [{"text": "Wie bent u?", "buttons": [{"title": "Werkgever", "payload": "/inform_werkgever"}]}]
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "hallo"})
    client.post(f"/api/conversations/{conversation_id}/messages", json={"payload": "/inform_werkgever"})
    stored = client.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert len(stored) == 4

    with client.websocket_connect(f"/api/conversations/{conversation_id}/events") as ws:
        caught_up = [receive(ws) for _ in range(5)]
    assert [e["type"] for e in caught_up] == ["message"] * 4 + ["status"]
    first = caught_up[0]["message"]
    assert set(first) == {"id", "author", "text", "payload", "buttons", "created_at"}
    assert (first["author"], first["text"]) == ("user", "hallo")
    assert caught_up[1]["message"]["buttons"] == [{"title": "Werkgever", "payload": "/inform_werkgever"}]
    assert caught_up[2]["message"]["payload"] == "/inform_werkgever"
    assert caught_up[4] == {"type": "status", "status": "bot", "queue": None, "staff_name": None}

    after = stored[1]["id"]
    with client.websocket_connect(f"/api/conversations/{conversation_id}/events?after={after}") as ws:
        assert [receive(ws)["message"]["id"] for _ in range(2)] == [stored[2]["id"], stored[3]["id"]]
        assert receive(ws)["type"] == "status"


def test_live_events_through_a_whole_handoff(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example", name="Sanne")
    conversation_id = client.post("/api/conversations").json()["id"]
    with client.websocket_connect(f"/api/conversations/{conversation_id}/events") as ws:
        assert receive(ws)["type"] == "status"
        client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "ik wil een mens"})
        assert receive(ws)["message"]["author"] == "user"  # stored first, then forwarded
        assert receive(ws) == {"type": "typing", "author": "bot"}
        receive_until(ws, "message", author="bot", text="Goedendag!")

        client.post(
            "/internal/handoffs",
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
            json={"conversation_id": conversation_id, "intake": {"arrangeur": "uwv"}},
        )
        assert receive_until(ws, "status") == {
            "type": "status",
            "status": "wacht_op_medewerker",
            "queue": "UWV",
            "staff_name": None,
        }

        csrf = login(client, "sanne@uwv.example")
        case_id = client.get("/api/staff/queue").json()["data"][0]["id"]
        client.post(f"/api/staff/cases/{case_id}/claim", headers=csrf)
        assert receive_until(ws, "status") == {
            "type": "status",
            "status": "medewerker",
            "queue": "UWV",
            "staff_name": "Sanne",
        }
        assert "Sanne van UWV" in receive_until(ws, "message", author="system")["message"]["text"]

        client.post(f"/api/staff/cases/{case_id}/typing", headers=csrf)
        assert receive(ws) == {"type": "typing", "author": "staff"}
        started = time.perf_counter()
        client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "Hallo, ik ben Sanne."}, headers=csrf)
        pushed = receive_until(ws, "message", author="staff")
        assert time.perf_counter() - started < 1.0  # "the user sees it within a second"
        assert pushed["message"]["text"] == "Hallo, ik ben Sanne."

        client.post(f"/api/staff/cases/{case_id}/handback", headers=csrf)
        assert receive_until(ws, "status")["status"] == "bot"


def test_reconnect_with_after_misses_nothing(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    with client.websocket_connect(f"/api/conversations/{conversation_id}/events") as ws:
        seen = [e["message"]["id"] for e in (receive(ws) for _ in range(3)) if e["type"] == "message"]
    # Disconnected: staff write twice meanwhile.
    for text in ("Eerste", "Tweede"):
        client.post(f"/api/staff/cases/{case_id}/messages", json={"text": text}, headers=csrf)
    with client.websocket_connect(f"/api/conversations/{conversation_id}/events?after={max(seen)}") as ws:
        caught_up = [receive(ws) for _ in range(4)]
    texts = [e["message"]["text"] for e in caught_up if e["type"] == "message"]
    assert texts[1:] == ["Eerste", "Tweede"]
    assert "helpt u nu verder" in texts[0]  # the reply claimed the case first
    assert caught_up[-1] == {"type": "status", "status": "medewerker", "queue": "UWV", "staff_name": "Sanne"}


def test_unknown_conversation_is_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/api/conversations/bestaat-niet/events"):
            pass
    assert refused.value.code == 1008


# --- connectors in another process: /internal/events --------------------------------------


def test_channel_stream_needs_the_service_token(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/internal/events?channel=telegram"):
            pass


def test_channel_stream_pushes_staff_messages_of_every_conversation_on_the_channel(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    telegram = client.post("/api/conversations", json={"channel": "telegram"}).json()["id"]
    client.post(
        "/internal/handoffs",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        json={"conversation_id": telegram, "intake": {"arrangeur": "uwv"}},
    )
    csrf = login(client, "sanne@uwv.example")
    case_id = client.get("/api/staff/queue").json()["data"][0]["id"]
    client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "Gemist bericht"}, headers=csrf)

    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    with client.websocket_connect("/internal/events?channel=telegram&after=0", headers=headers) as ws:
        missed = receive_until(ws, "message", author="staff")
        assert missed["conversation_id"] == telegram
        assert missed["message"]["text"] == "Gemist bericht"
        client.post(f"/api/conversations/{telegram}/messages", json={"text": "van de gebruiker"})  # not pushed
        client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "Live bericht"}, headers=csrf)
        live = receive(ws)
        assert (live["type"], live["message"]["text"], live["conversation_id"]) == ("message", "Live bericht", telegram)


# --- the console stream: /api/staff/events -------------------------------------------------


def test_console_stream_announces_new_cases_and_user_messages_of_own_queue_only(client: TestClient) -> None:
    make_staff("Gemeente Almere", "piet@almere.example")
    login(client, "piet@almere.example")
    with client.websocket_connect("/api/staff/events") as ws:
        make_case(client)  # UWV: not for Almere
        conversation_id, case_id = make_case(client, GEMEENTE_INTAKE)
        event = receive(ws)
        assert event == {"type": "case", "case_id": case_id, "change": "new"}
        client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Is er al iemand?"})
        assert receive(ws) == {"type": "case", "case_id": case_id, "change": "message"}


def test_console_stream_needs_a_session_and_an_own_case(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/api/staff/events"):
            pass
    make_staff("Gemeente Almere", "piet@almere.example")
    _, uwv_case = make_case(client)
    login(client, "piet@almere.example")
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(f"/api/staff/events?case={uwv_case}"):
            pass
    with pytest.raises(WebSocketDisconnect):  # cross-site page trying to use the cookie
        with client.websocket_connect("/api/staff/events", headers={"Origin": "https://evil.example"}):
            pass
