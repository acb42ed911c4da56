"""Telegram /plan (issue 15): the plan as a PDF document (sendDocument on the fake Bot API) plus the link.

The connector runs as its own process against the bridge alone (tests/plan_support.py): the plan is
made from the intake of the handoff, as the action server sends it, so no Rasa is needed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pytest

from connectors.telegram.handlers import NO_PLAN_YET
from tests.connectors.telegram.conftest import ConnectorProcess, connector_env, linked_conversations, state_url
from tests.connectors.telegram.fake_bot_api import FakeBotApi
from tests.e2e.conftest import RunningSystem
from tests.plan_support import PlanBridge, hand_over, running_bridge

CHAT = 7_150_001


@pytest.fixture
def plan_bridge(tmp_path: Path) -> Iterator[PlanBridge]:
    directory = tmp_path / "bridge"
    directory.mkdir()
    with running_bridge(directory) as bridge:
        yield bridge


@pytest.fixture
def plan_connector(plan_bridge: PlanBridge, fake_api: FakeBotApi, tmp_path: Path) -> Iterator[ConnectorProcess]:
    system = RunningSystem(plan_bridge.base_url, plan_bridge.env, plan_bridge.log_path)
    process = ConnectorProcess(connector_env(system, fake_api, tmp_path), tmp_path / "telegram.log")
    process.start()
    fake_api.wait_for(lambda: fake_api.calls_of("getMe"), timeout=30, what="the connector's getMe")
    yield process
    process.stop()
    assert "Traceback" not in process.log(), process.log()[-4000:]


def _documents(fake: FakeBotApi) -> list[dict[str, object]]:
    return [c.params for c in fake.calls_of("sendDocument") if int(c.params["chat_id"]) == CHAT]


def test_plan_command_sends_the_pdf_and_the_link(
    plan_bridge: PlanBridge, fake_api: FakeBotApi, plan_connector: ConnectorProcess
) -> None:
    # Before any conversation or advice: a friendly answer, no document.
    fake_api.send_text(CHAT, "/plan")
    fake_api.wait_for(
        lambda: any(NO_PLAN_YET in str(c.params.get("text")) for c in fake_api.sent_to(CHAT)),
        timeout=30,
        what="the no-plan-yet answer",
    )
    fake_api.send_text(CHAT, "Ik ben mijn baan kwijt")
    fake_api.wait_for(
        lambda: linked_conversations(state_url(plan_connector.env), CHAT), timeout=30, what="the chat's conversation"
    )
    [conversation_id] = linked_conversations(state_url(plan_connector.env), CHAT)
    hand_over(plan_bridge, conversation_id)  # the intake the action server sends with the handoff

    fake_api.send_text(CHAT, "/plan")
    [document] = fake_api.wait_for(lambda: _documents(fake_api), timeout=60, what="sendDocument")
    upload = document["document"]
    assert isinstance(upload, dict) and upload["filename"] == "mijn-plan.pdf"
    content = upload["content"]
    assert isinstance(content, bytes) and content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())
    assert "Mijn plan" in text and "U zoekt werk." in text and "Scholing tijdens de WW" in text
    caption = str(document["caption"])
    match = re.search(r"(http://127\.0\.0\.1:\d+)(/plan/[A-Za-z0-9_-]{43})", caption)
    assert match, caption
    assert httpx.get(match.group(0), timeout=30).status_code == 200
    assert match.group(2).removeprefix("/plan/") not in plan_connector.log()  # the token is never logged

    # /plan again: a new link; the old one no longer opens the plan.
    fake_api.send_text(CHAT, "/plan")
    fake_api.wait_for(lambda: len(_documents(fake_api)) >= 2, timeout=60, what="the second sendDocument")
    second = re.search(r"/plan/[A-Za-z0-9_-]{43}", str(_documents(fake_api)[1]["caption"]))
    assert second and second.group(0) != match.group(2)
    assert httpx.get(match.group(0), timeout=30).status_code == 404
