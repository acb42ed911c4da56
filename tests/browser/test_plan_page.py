"""Mijn plan in a real browser (issue 15): axe-core clean at 1280 and 360 px, live afspraken, ticking.

The plan needs only the bridge: it runs here as its own uvicorn process on a fresh SQLite database,
with Rasa unreachable (the plan is made from the case intake the action server would have sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.test_web_chat import describe, run_axe
from tests.plan_support import PASSWORD, PlanBridge, hand_over, make_staff, running_bridge


@pytest.fixture(scope="module")
def plan_bridge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanBridge]:
    with running_bridge(tmp_path_factory.mktemp("plan-bridge")) as bridge:
        yield bridge


def _plan_with_case(bridge: PlanBridge) -> tuple[str, str]:
    """A conversation handed over to UWV with its intake, and a link to its plan; returns (case id, plan path)."""
    with httpx.Client(base_url=bridge.base_url, timeout=30) as client:
        conversation_id = client.post("/api/conversations").json()["id"]
        case_id = hand_over(bridge, conversation_id)
        link = client.post(f"/api/conversations/{conversation_id}/plan")
        assert link.status_code == 201, link.text
        return case_id, str(link.json()["pad"])


def test_plan_page_is_axe_clean_at_desktop_and_phone_width(
    browser: Any, plan_bridge: PlanBridge, axe_script: Path
) -> None:
    _, pad = _plan_with_case(plan_bridge)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # var/screenshots; the copies in docs/screenshots come from here
    for name, viewport in (("desktop", DESKTOP), ("telefoon", PHONE)):
        context = browser.new_context(base_url=plan_bridge.base_url, locale="nl-NL", viewport=viewport)
        try:
            page = context.new_page()
            page.goto(pad)
            page.get_by_role("heading", name="Mijn plan", level=1).wait_for()
            violations = run_axe(page, axe_script, "body")
            assert violations == [], describe(violations)
            # Nothing sideways at 360 px (WCAG 1.4.10 reflow).
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(SCREENSHOTS / f"plan-{name}.png"), full_page=name == "desktop")
        finally:
            context.close()


def test_an_afspraak_from_the_console_appears_in_the_open_plan_without_reload(
    browser: Any, plan_bridge: PlanBridge, axe_script: Path
) -> None:
    case_id, pad = _plan_with_case(plan_bridge)
    make_staff(plan_bridge, "sanne.plan@uwv.example")
    person = browser.new_context(base_url=plan_bridge.base_url, locale="nl-NL", viewport=PHONE)
    staff = browser.new_context(base_url=plan_bridge.base_url, locale="nl-NL", viewport=DESKTOP)
    try:
        plan_page = person.new_page()
        plan_page.goto(pad)
        plan_page.get_by_text("Er zijn nog geen afspraken.").wait_for()
        plan_page.evaluate("() => { window.__zelfdePagina = true; }")  # gone if the page reloads

        console = staff.new_page()
        console.goto("/console/login")
        console.fill("#email", "sanne.plan@uwv.example")
        console.fill("#password", PASSWORD)
        console.get_by_role("button", name="Aanmelden").click()
        console.goto(f"/console/zaken/{case_id}")
        console.get_by_role("heading", name="Plan van deze persoon").wait_for()
        console.fill("#afspraak-wat", "Gesprek over scholing bij UWV Almere <b>niet vet</b>")
        console.fill("#afspraak-wie", "U en Sanne van UWV")
        console.fill("#afspraak-wanneer", "2026-12-15")
        console.get_by_role("button", name="Afspraak opslaan").click()
        console.get_by_text("De afspraak staat in het plan.").wait_for()
        console.locator("#plan .afspraak", has_text="Gesprek over scholing bij UWV Almere").wait_for()

        afspraak = plan_page.locator(".afspraak", has_text="Gesprek over scholing bij UWV Almere <b>niet vet</b>")
        afspraak.wait_for(timeout=15_000)
        assert plan_page.evaluate("() => window.__zelfdePagina === true"), "the plan page reloaded"
        assert "Uiterlijk: 15 december 2026." in afspraak.inner_text()
        assert plan_page.locator(".afspraak b").count() == 0  # shown as text, not as HTML
        violations = run_axe(plan_page, axe_script, "body")
        assert violations == [], describe(violations)

        # Ticking a step is kept, without a reload either.
        plan_page.get_by_label("Neem contact op met UWV.").check()
        plan_page.get_by_text("Afgevinkt: Neem contact op met UWV.").first.wait_for(timeout=15_000)
        assert plan_page.evaluate("() => window.__zelfdePagina === true")
        plan_page.reload()
        assert plan_page.get_by_label("Neem contact op met UWV.").is_checked()
    finally:
        person.close()
        staff.close()


def test_the_web_chat_button_shows_a_link_to_the_plan(browser: Any, plan_bridge: PlanBridge) -> None:
    """The bridge's offer after advice, "Ja, bewaar mijn plan": the web chat asks for the link and shows it."""
    from sqlalchemy import insert

    from bridge.core.db import make_engine
    from bridge.models import Message
    from bridge.services.plan_offer import OFFER_BUTTON, OFFER_TEXT

    with httpx.Client(base_url=plan_bridge.base_url, timeout=30) as client:
        conversation_id = client.post("/api/conversations").json()["id"]
    hand_over(plan_bridge, conversation_id)
    engine = make_engine(plan_bridge.env["DATABASE_URL"])
    try:
        with engine.begin() as connection:  # the offer as the bridge stores it after the bot's advice
            connection.execute(
                insert(Message).values(
                    conversation_id=conversation_id,
                    author="system",
                    text=OFFER_TEXT,
                    buttons=[OFFER_BUTTON],
                    delivered=True,
                )
            )
    finally:
        engine.dispose()
    context = browser.new_context(base_url=plan_bridge.base_url, locale="nl-NL", viewport=PHONE)
    try:
        context.add_init_script(f"localStorage.setItem('elkedeur-conversation', '{conversation_id}');")
        chat = context.new_page()
        chat.goto("/")
        chat.get_by_role("button", name=OFFER_BUTTON["title"]).click()
        link = chat.locator("a.ed-plan-link")
        link.wait_for()
        href = link.get_attribute("href")
        assert href and "/plan/" in href and conversation_id not in href
        plan = context.new_page()
        plan.goto(href)
        plan.get_by_role("heading", name="Mijn plan", level=1).wait_for()
        assert "U zoekt werk." in plan.content()
    finally:
        context.close()
