"""The web chat's "Liever teruggebeld worden?" form in a real browser, keyboard only, against a real
bridge process. Rasa is left down on purpose: the bridge's own "vraag achterlaten" button opens the
handoff case, so this test needs no 60-second, 1.5 GB Rasa start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from bridge.core.config import PROJECT_ROOT
from bridge.core.db import make_engine
from bridge.services.staff import create_staff_account
from tests.bridge.conftest import migrate
from tests.bridge.factories import PASSWORD
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_web_chat import describe, run_axe
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e

STARTUP_TIMEOUT_SECONDS = 60


@dataclass
class BridgeOnly:
    base_url: str
    database_url: str
    staff_token: str


@pytest.fixture
def bridge_only(tmp_path: Path) -> Iterator[BridgeOnly]:
    """A bridge process on a fresh SQLite database; Rasa and the action server point at closed ports."""
    database_url = f"sqlite:///{tmp_path / 'bridge.db'}"
    migrate(database_url)
    port = free_port()
    staff_token = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "ACTIONS_URL": f"http://127.0.0.1:{free_port()}",
        "RASA_TRACKER_DB": str(tmp_path / "rasa-tracker.db"),
        "RASA_TOKEN": secrets.token_urlsafe(16),
        "BRIDGE_SERVICE_TOKEN": secrets.token_urlsafe(16),
        "STAFF_TOKEN": staff_token,
        "RETENTION_INTERVAL_SECONDS": "0",
        "REDIS_URL": "",
    }
    log = (tmp_path / "bridge.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bridge.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, tmp_path / "bridge.log")
        yield BridgeOnly(base_url, database_url, staff_token)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    with httpx.Client(timeout=2) as client:
        for _ in range(STARTUP_TIMEOUT_SECONDS * 4):
            if process.poll() is not None:
                pytest.fail(f"the bridge exited:\n{log.read_text()}")
            try:
                if client.get(f"{base_url}/api/regelingen").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
    pytest.fail(f"the bridge did not start:\n{log.read_text()}")


def _focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_callback_form_by_keyboard_masked_result_and_withdraw(
    browser: Any, bridge_only: BridgeOnly, axe_script: Path, screenshots: Path
) -> None:
    base_url = bridge_only.base_url
    context = browser.new_context(base_url=base_url, locale="nl-NL", viewport=DESKTOP)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/")
        # Rasa is down: the notice offers to leave the question for a medewerker; that opens the case.
        page.get_by_role("button", name="Vraag achterlaten voor een medewerker").click()
        page.wait_for_selector(".ed-status[data-status='wacht_op_medewerker']")
        toggle = page.get_by_role("button", name="Liever teruggebeld worden?")
        toggle.wait_for()
        assert toggle.get_attribute("aria-expanded") == "false"

        # Keyboard only: open, type, choose, consent, send.
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert _focused_id(page) == "ed-callback-tel"
        assert page.get_by_label("Uw telefoonnummer").get_attribute("autocomplete") == "tel"
        violations = run_axe(page, axe_script, ".ed-widget")
        assert violations == [], describe(violations)
        page.screenshot(path=str(screenshots / "callback-form-1280.png"))
        page.keyboard.type("06-48273915")
        page.keyboard.press("Tab")
        assert _focused_id(page) == "ed-callback-dagdeel"
        page.select_option("#ed-callback-dagdeel", "ochtend")
        page.keyboard.press("Tab")
        assert _focused_id(page) == "ed-callback-consent"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # "Bel mij terug"

        result = page.locator(".ed-callback-result")
        result.filter(has_text="06 ** ** ** 15").wait_for()
        assert "Uw voorkeur: ochtend" in result.inner_text()
        assert result.get_attribute("role") == "status"
        assert page.locator("#ed-callback-tel").input_value() == ""  # the number stays nowhere in the page
        page.locator(".ed-msg--system", has_text="U heeft gevraagd om teruggebeld te worden").wait_for()
        page.screenshot(path=str(screenshots / "callback-kept-1280.png"))
        conversation = page.evaluate("localStorage.getItem('elkedeur-conversation')")
        transcript = httpx.get(f"{base_url}/api/conversations/{conversation}", timeout=10).text
        assert "48273915" not in transcript

        # After a reload the widget knows a request is kept, and the person can withdraw it.
        page.reload()
        withdraw = page.get_by_role("button", name="Terugbelverzoek intrekken")
        withdraw.wait_for()
        assert "06 ** ** ** 15" in result.inner_text()
        withdraw.focus()
        page.keyboard.press("Enter")
        result.filter(has_text="ingetrokken").wait_for()
        # Focus goes back to the (again visible) toggle, so keyboard users can ask again.
        assert page.evaluate("() => document.activeElement.textContent") == "Liever teruggebeld worden?"
        assert httpx.get(f"{base_url}/api/conversations/{conversation}/terugbelverzoek", timeout=10).status_code == 404

        # On a phone the open form scrolls inside its own box: no sideways scrolling, the chat input stays in the panel.
        page.set_viewport_size(PHONE)
        toggle.click()
        page.screenshot(path=str(screenshots / "callback-form-360.png"))
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        panel, chat_input = page.locator(".ed-chat").bounding_box(), page.locator("#ed-input").bounding_box()
        assert chat_input["y"] + chat_input["height"] <= panel["y"] + panel["height"]
    finally:
        context.close()


def test_console_shows_the_number_and_hides_it_live_on_withdrawal(browser: Any, bridge_only: BridgeOnly) -> None:
    api = httpx.Client(base_url=bridge_only.base_url, timeout=10)
    conversation = api.post("/api/conversations").json()["id"]
    api.post(f"/api/conversations/{conversation}/messages", json={"payload": "/vraag_achterlaten"})
    [case] = api.get("/api/handoffs", headers={"Authorization": f"Bearer {bridge_only.staff_token}"}).json()["data"]
    engine = make_engine(bridge_only.database_url)
    with Session(engine) as session:
        create_staff_account(
            session, organisation=case["queue"], email="ans@elkedeur.example", password=PASSWORD, display_name="Ans"
        )
    engine.dispose()
    context = browser.new_context(base_url=bridge_only.base_url, locale="nl-NL", viewport=DESKTOP)
    context.set_default_timeout(30_000)
    try:
        console = context.new_page()
        console.goto("/console/login")
        console.fill("#email", "ans@elkedeur.example")
        console.fill("#password", PASSWORD)
        console.get_by_role("button", name="Aanmelden").click()
        with console.expect_websocket():
            console.goto(f"/console/zaken/{case['id']}")
        console.wait_for_timeout(500)  # the handshake completes (the bridge subscribes before it accepts)

        asked = api.post(
            f"/api/conversations/{conversation}/terugbelverzoek",
            json={"telefoonnummer": "010-1234567", "toestemming": True},
        )
        assert asked.status_code == 201
        # Live: the notice in the transcript, and a hint to reload (no reload: a reply may be half typed).
        console.locator(".message.system", has_text="U heeft gevraagd om teruggebeld te worden").wait_for()
        console.locator("#live-state", has_text="Vernieuw de pagina").wait_for()
        console.reload()
        assert console.locator("#terugbelverzoek a[href='tel:+31101234567']").inner_text() == "010 123 4567"

        assert api.delete(f"/api/conversations/{conversation}/terugbelverzoek").status_code == 204
        console.locator("#live-state", has_text="ingetrokken").wait_for()
        assert console.locator("#terugbelverzoek").count() == 0
        assert "1234567" not in console.content()
    finally:
        context.close()
        api.close()
