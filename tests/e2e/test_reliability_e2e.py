"""Crashes under the real `make run`: `python -m scripts.run` (supervisord on the Procfile) with the env it
sets, on free ports and a temporary directory. Each process is killed with SIGKILL in turn, as a crash
or an OOM kill would; supervisord restarts it while the rest keeps serving. The order matters (one
system for the module): one Rasa server, both, the action server, the bridge, then Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, text

from bench.system import StartupFailed, System, start_system, wait_ready
from bridge.services.rasa_pool import RasaInstance, RasaPool
from bridge.services.reliability import BOT_UNAVAILABLE_NOTICE, LEAVE_QUESTION_PAYLOAD

pytestmark = pytest.mark.e2e

STARTUP_TIMEOUT_SECONDS = 300  # two Rasa servers loading at once on a busy 2-core machine
RESTART_TIMEOUT_SECONDS = 300
T = TypeVar("T")


def poll(condition: Callable[[], T | None], what: str, system: System, timeout_s: float = RESTART_TIMEOUT_SECONDS) -> T:
    """The first truthy value of `condition`, polled until the deadline."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (httpx.HTTPError, psutil.Error):
            value = None
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"not within {timeout_s:.0f} s: {what}; log:\n{system.log_tail()}")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    started = start_system(
        tmp_path_factory.mktemp("supervised"),
        extra_env={
            "RATE_LIMIT_NEW_CONVERSATIONS": "600/minute",
            "RATE_LIMIT_PER_CLIENT": "2000/minute",
            "RASA_TIMEOUT_SECONDS": "20",
            "RASA_SERVERS": "2",
        },
    )
    try:
        wait_ready(started, timeout_s=STARTUP_TIMEOUT_SECONDS)
        yield started
    except StartupFailed as error:
        pytest.fail(str(error))
    finally:
        started.stop()


def rasa_ready(url: str, token: str) -> bool:
    response = httpx.get(f"{url}/status", params={"token": token}, timeout=3.0)
    return response.status_code == 200 and bool(response.json().get("model_file"))


def wait_restarted(system: System, name: str, old_pid: int, ready: Callable[[], bool]) -> None:
    poll(lambda: system.pid_of(name) not in (None, old_pid), f"{name} restarted by supervisord", system)
    poll(ready, f"{name} answering again", system)


def say(client: httpx.Client, conversation_id: str, **body: Any) -> list[dict[str, Any]]:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def is_notice(replies: list[dict[str, Any]]) -> bool:
    return any(r["text"] == BOT_UNAVAILABLE_NOTICE for r in replies)


def stored(system: System, conversation_id: str) -> list[tuple[str, str | None, bool]]:
    """Messages straight from the bridge database (what survives a crash)."""
    engine = create_engine(system.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT author, text, delivered FROM messages WHERE conversation_id = :c ORDER BY id"),
                {"c": conversation_id},
            )
            return [(row[0], row[1], bool(row[2])) for row in rows]
    finally:
        engine.dispose()


def slots(client: httpx.Client, conversation_id: str) -> dict[str, Any]:
    result: dict[str, Any] = client.get(f"/api/conversations/{conversation_id}").json()["slots"]
    return result


@pytest.fixture(scope="module")
def client(system: System) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=system.bridge_url, timeout=60.0) as http:
        yield http


def test_killing_a_conversations_rasa_server_moves_it_to_the_other(system: System, client: httpx.Client) -> None:
    conversation_id = client.post("/api/conversations").json()["id"]
    assert not is_notice(say(client, conversation_id, payload="/inform_werkzoekende"))
    # the bridge's own choice of server for this conversation (same code, same order of servers)
    home = RasaPool([RasaInstance(url) for url in system.rasa_urls], "-").home(conversation_id).rasa_url
    name = {url: n for n, url in system.instances("rasa").items()}[home]

    old_pid = system.kill(name)
    replies = say(client, conversation_id, payload='/inform{"uitkering": "ww"}')
    assert replies and not is_notice(replies)  # the other Rasa server answered, from the shared tracker
    assert slots(client, conversation_id)["rol"] == "werkzoekende"
    assert slots(client, conversation_id)["uitkering"] == "ww"
    wait_restarted(system, name, old_pid, lambda: rasa_ready(home, system.env["RASA_TOKEN"]))
    # back home, the conversation goes on with everything the other server stored
    assert not is_notice(say(client, conversation_id, payload='/inform{"gemeente": "Almere"}'))
    assert {k: slots(client, conversation_id)[k] for k in ("rol", "uitkering", "gemeente", "arbeidsmarktregio")} == {
        "rol": "werkzoekende",
        "uitkering": "ww",
        "gemeente": "Almere",
        "arbeidsmarktregio": "Flevoland",
    }


def test_with_every_rasa_server_down_the_bridge_stores_and_offers_the_notice(
    system: System, client: httpx.Client
) -> None:
    conversation_id = client.post("/api/conversations").json()["id"]
    assert not is_notice(say(client, conversation_id, payload="/greet"))
    assert not is_notice(say(client, conversation_id, payload="/inform_werkgever"))
    assert slots(client, conversation_id)["rol"] == "werkgever"

    old = {name: system.kill(name) for name in system.instances("rasa")}
    # Rasa needs many seconds to load its model again: this message certainly finds none up.
    down = say(client, conversation_id, text="Ik zoek personeel in Almere")
    assert is_notice(down)
    assert down[0]["buttons"][0]["payload"] == LEAVE_QUESTION_PAYLOAD
    assert ("user", "Ik zoek personeel in Almere", False) in stored(system, conversation_id)
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["rasa"] == "onbereikbaar"
    assert client.get("/health/ready").status_code == 200  # the bridge itself stays in service

    for name, url in system.instances("rasa").items():
        wait_restarted(system, name, old[name], lambda url=url: rasa_ready(url, system.env["RASA_TOKEN"]))
    poll(lambda: client.get("/health").status_code == 200, "bridge healthy again", system)
    back = say(client, conversation_id, text="Ik zoek personeel in Almere")
    assert back and not is_notice(back)
    # The conversation goes on where it was: what Rasa knew before the crash is still there.
    assert slots(client, conversation_id)["rol"] == "werkgever"
    assert [m for m in stored(system, conversation_id) if m[0] == "user"] == [
        ("user", None, True),  # /greet
        ("user", None, True),  # /inform_werkgever
        ("user", "Ik zoek personeel in Almere", False),  # not replayed; the medewerker would see it
        ("user", "Ik zoek personeel in Almere", True),
    ]


def test_killing_the_action_server_user_still_gets_an_answer(system: System, client: httpx.Client) -> None:
    conversation_id = client.post("/api/conversations").json()["id"]
    assert not is_notice(say(client, conversation_id, payload="/inform_werkzoekende"))
    old_pid = system.kill("actions")
    for text_ in ("Hallo", "Ik ben werkgever in de bouw"):
        assert say(client, conversation_id, text=text_), text_  # never silence: an answer or the notice
    wait_restarted(
        system, "actions", old_pid, lambda: httpx.get(f"{system.actions_url}/health", timeout=3.0).status_code == 200
    )
    poll(lambda: client.get("/health").status_code == 200, "bridge healthy again", system)
    assert not is_notice(say(client, conversation_id, payload='/inform{"uitkering": "ww"}'))
    assert slots(client, conversation_id)["uitkering"] == "ww"


def test_killing_the_bridge_mid_message_loses_nothing(system: System, client: httpx.Client) -> None:
    staff = {"Authorization": f"Bearer {system.env['STAFF_TOKEN']}"}
    waiting = client.post("/api/conversations").json()["id"]
    say(client, waiting, text="Ik wil graag iemand spreken")
    say(client, waiting, payload=LEAVE_QUESTION_PAYLOAD)  # a queued case
    conversation_id = client.post("/api/conversations").json()["id"]
    say(client, conversation_id, payload="/inform_werkzoekende", client_message_id="id-0")
    before = {c: stored(system, c) for c in (waiting, conversation_id)}
    cases_before = client.get("/api/handoffs", headers=staff).json()["data"]

    in_flight: dict[str, Any] = {}

    def send() -> None:
        try:
            with httpx.Client(base_url=system.bridge_url, timeout=60.0) as c:
                in_flight["response"] = c.post(
                    f"/api/conversations/{conversation_id}/messages",
                    json={"text": "Ik woon in Almere", "client_message_id": "in-flight"},
                )
        except httpx.HTTPError as error:
            in_flight["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    # kill while the message is in the bridge: as soon as it is stored (it then waits for Rasa)
    poll(
        lambda: any(m[1] == "Ik woon in Almere" for m in stored(system, conversation_id)),
        "message stored",
        system,
        timeout_s=30,
    )
    old_pid = system.kill("bridge")
    thread.join(timeout=60)
    wait_restarted(system, "bridge", old_pid, lambda: client.get("/health/ready").status_code == 200)

    after = {c: stored(system, c) for c in (waiting, conversation_id)}
    for c, messages in before.items():
        assert after[c][: len(messages)] == messages  # nothing that was stored is gone
    cases_after = client.get("/api/handoffs", headers=staff).json()["data"]
    assert {c["id"] for c in cases_before} <= {c["id"] for c in cases_after}
    assert client.get(f"/api/conversations/{waiting}").json()["status"] == "wacht_op_medewerker"
    # The channel retries the message with the same client id: stored exactly once, then answered.
    say(client, conversation_id, text="Ik woon in Almere", client_message_id="in-flight")
    say(client, conversation_id, text="Ik woon in Almere", client_message_id="in-flight")
    assert len([m for m in stored(system, conversation_id) if m[1] == "Ik woon in Almere"]) == 1
    assert slots(client, conversation_id)["rol"] == "werkzoekende"


def test_ctrl_c_stops_every_process(system: System) -> None:
    family = system.descendants()
    assert {"rasa.1", "rasa.2", "actions", "bridge"} <= set(system.processes())
    os.killpg(system.process.pid, signal.SIGINT)  # what Ctrl-C in the terminal of `make run` does
    system.process.wait(timeout=120)
    _, alive = psutil.wait_procs(family, timeout=30)
    assert alive == [], [p.pid for p in alive]
