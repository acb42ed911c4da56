"""A counter worker in the real console (browser) takes over a real conversation; the web chat sees it live."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.connectors.staff import PASSWORD, open_case, staff_account
from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e


def test_console_login_claim_and_reply_reach_the_web_chat(browser: Any, system: RunningSystem) -> None:
    chat_context = browser.new_context(base_url=system.base_url, locale="nl-NL", viewport=DESKTOP)
    console_context = browser.new_context(base_url=system.base_url, locale="nl-NL", viewport=DESKTOP)
    for context in (chat_context, console_context):
        context.set_default_timeout(30_000)
    try:
        chat = chat_context.new_page()
        chat.goto("/")
        chat.locator(".ed-msg--bot").first.wait_for()
        chat.wait_for_function("() => document.querySelector('.ed-widget').dataset.live === 'websocket'")
        for text in ("ik ben werkgever en zoek personeel", "kan ik iemand spreken?"):
            chat.fill("#ed-input", text)
            chat.keyboard.press("Enter")
            chat.locator(".ed-msg--user", has_text=text).wait_for()
        chat.wait_for_selector(".ed-status[data-status='wacht_op_medewerker']")
        case = open_case(system, chat.evaluate("localStorage.getItem('elkedeur-conversation')"))

        email = staff_account(system, case["queue"], name="Ahmed")
        console = console_context.new_page()
        console.goto("/console/login")
        console.fill("#email", email)
        console.fill("#password", PASSWORD)
        console.get_by_role("button", name="Aanmelden").click()
        # The case waits in the queue of the medewerker's own organisation.
        console.locator(f"a[href='/console/zaken/{case['id']}']").click()
        console.get_by_role("button", name="Zaak oppakken").click()
        chat.wait_for_selector(".ed-status[data-status='medewerker']")
        assert "Ahmed" in chat.locator(".ed-status").inner_text()

        console.fill("#text", "Goedemiddag, ik ben Ahmed van het loket. Waarmee kan ik u helpen?")
        console.get_by_role("button", name="Versturen").click()
        chat.locator(".ed-msg--staff", has_text="ik ben Ahmed").wait_for(timeout=5_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        console.screenshot(path=str(SCREENSHOTS / "console-case-live.png"), full_page=True)
        chat.screenshot(path=str(SCREENSHOTS / "webchat-staff-reply.png"), full_page=True)
    finally:
        chat_context.close()
        console_context.close()
