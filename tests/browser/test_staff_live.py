"""A medewerker's reply reaches the open web chat live, also after a dropped connection."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP
from tests.connectors.staff import Medewerker, open_case
from tests.e2e.conftest import RunningSystem

pytestmark = pytest.mark.e2e


def test_staff_reply_arrives_live_and_after_reconnect(browser: Any, system: RunningSystem) -> None:
    context = browser.new_context(base_url=system.base_url, locale="nl-NL", viewport=DESKTOP)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/")
        page.locator(".ed-msg--bot").first.wait_for()
        page.wait_for_function("() => document.querySelector('.ed-widget').dataset.live === 'websocket'")
        page.fill("#ed-input", "kan ik iemand spreken?")
        page.keyboard.press("Enter")
        page.wait_for_selector(".ed-status[data-status='wacht_op_medewerker']")
        assert "wacht op een medewerker" in page.locator(".ed-status").inner_text()

        conversation = page.evaluate("localStorage.getItem('elkedeur-conversation')")
        case = open_case(system, conversation)
        medewerker = Medewerker(system, case["queue"], name="Sanne")
        try:
            medewerker.claim(case["id"])
            # A visible notice that a person joined: the status bar and the stored system message.
            page.wait_for_selector(".ed-status[data-status='medewerker']")
            assert "Sanne" in page.locator(".ed-status").inner_text()
            page.locator(".ed-msg--system", has_text="Sanne").wait_for()

            medewerker.typing(case["id"])
            page.locator(".ed-typing", has_text="medewerker schrijft").wait_for()

            started = time.monotonic()
            medewerker.reply(case["id"], "Goedemiddag, ik ben Sanne. Kijk ook op https://www.werk.nl.")
            page.locator(".ed-msg--staff", has_text="ik ben Sanne").wait_for(timeout=5_000)
            latency = time.monotonic() - started
            assert latency < 1.0, f"staff reply took {latency:.2f} s"
            assert page.locator(".ed-msg--staff a[href='https://www.werk.nl/']").count() == 1
            assert page.locator(".ed-typing").is_hidden()

            # The network drops: a reply sent meanwhile arrives once after the reconnect (catch-up).
            page.evaluate("window.ElkeDeurChatInstance.ws.close()")
            page.wait_for_function("() => document.querySelector('.ed-widget').dataset.live !== 'websocket'")
            medewerker.reply(case["id"], "Bent u er nog? Dit stuurde ik tijdens de storing.")
            page.locator(".ed-msg--staff", has_text="tijdens de storing").wait_for(timeout=10_000)
            page.wait_for_function(
                "() => document.querySelector('.ed-widget').dataset.live === 'websocket'", timeout=10_000
            )
            page.wait_for_timeout(1500)
            assert page.locator(".ed-msg--staff", has_text="tijdens de storing").count() == 1

            # The person answers the medewerker from the chat.
            page.fill("#ed-input", "Ja, ik ben er nog.")
            page.keyboard.press("Enter")
            page.locator(".ed-msg--user", has_text="Ja, ik ben er nog.").wait_for()
        finally:
            medewerker.close()
        print(f"staff reply → web chat latency: {latency * 1000:.0f} ms")
    finally:
        context.close()
