"""The web chat in a real browser against the real bridge, Rasa and action server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

BOT = ".ed-msg--bot"
USER = ".ed-msg--user"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def open_chat(page: Any) -> None:
    """Open the demo page and wait for the greeting with its role buttons."""
    page.goto("/")
    page.locator(BOT).first.wait_for()
    page.locator(".ed-choice").first.wait_for()


def conversation_id(page: Any) -> str:
    value = page.evaluate("localStorage.getItem('elkedeur-conversation')")
    assert value, "the conversation id is kept in localStorage"
    return str(value)


def stored(base_url: str, conversation: str) -> dict[str, Any]:
    response = httpx.get(f"{base_url}/api/conversations/{conversation}", timeout=30)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def rendered_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(".ed-log [data-id]", "els => els.map(e => e.dataset.id)")
    return ids


def wait_count(page: Any, selector: str, at_least: int, timeout: float = 30_000) -> None:
    """Wait until `selector` matches at least `at_least` elements (a function: the page's CSP forbids eval)."""
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[selector, at_least], timeout=timeout
    )


def run_axe(page: Any, axe_script: Path, selector: str = ".ed-widget") -> list[dict[str, Any]]:
    # The bridge's CSP forbids inline scripts, so add_script_tag cannot inject axe; evaluate can.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script.read_text())
    result = page.evaluate(
        "([sel, tags]) => axe.run(sel, {runOnly: {type: 'tag', values: tags}})", [selector, WCAG_TAGS]
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]} for v in violations],
        indent=1,
    )


def test_conversation_button_and_resume_after_reload(page: Any, base_url: str) -> None:
    open_chat(page)
    greeting_buttons = page.locator(".ed-choice").all_inner_texts()
    assert len(greeting_buttons) >= 3, greeting_buttons

    # Choose a role with a button: it shows as the user's message and the bot answers.
    bots_before = page.locator(BOT).count()
    choice = page.locator(".ed-choice").last
    title = choice.inner_text()
    choice.click()
    page.locator(USER, has_text=title).wait_for()
    wait_count(page, BOT, bots_before + 1)

    # Free text through the form.
    bots_before = page.locator(BOT).count()
    page.fill("#ed-input", "Ik zoek personeel in de zorg in Almere")
    page.keyboard.press("Enter")
    page.locator(USER, has_text="Ik zoek personeel in de zorg").wait_for()
    wait_count(page, BOT, bots_before + 1)
    page.wait_for_selector(".ed-typing", state="hidden")

    conversation = conversation_id(page)
    body = stored(base_url, conversation)
    assert [
        m for m in body["messages"] if m["author"] == "user" and m["text"] == "Ik zoek personeel in de zorg in Almere"
    ]
    before = rendered_ids(page)
    assert len(before) == len(set(before)), "no message is shown twice"
    texts_before = page.locator(".ed-log .ed-msg").all_inner_texts()

    # Reload: same conversation, same messages, nothing doubled, buttons of the last reply only.
    page.reload()
    page.locator(BOT).first.wait_for()
    wait_count(page, ".ed-log [data-id]", len(before))
    assert conversation_id(page) == conversation
    assert rendered_ids(page) == before
    assert page.locator(".ed-log .ed-msg").all_inner_texts() == texts_before
    # Choices the person already answered are not offered again after the reload.
    assert page.locator(".ed-buttons").count() <= 1
    # Every stored bot/staff message with text is on screen after the reload.
    shown = set(rendered_ids(page))
    for message in body["messages"]:
        if message["author"] in ("bot", "staff") and message["text"]:
            assert str(message["id"]) in shown


def test_keyboard_only(page: Any, base_url: str) -> None:
    open_chat(page)
    # Tab from the top of the page until a choice button has focus; every stop is visible.
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {cls: e.className, outline: s.outlineStyle, width: s.outlineWidth}; }"
        )
        assert focused["outline"] != "none" and focused["width"] != "0px", focused
        if "ed-choice" in focused["cls"]:
            break
    else:
        pytest.fail("no choice button reachable with Tab")
    title = page.evaluate("document.activeElement.textContent")
    bots_before = page.locator(BOT).count()
    page.keyboard.press("Enter")
    page.locator(USER, has_text=title).wait_for()
    # The buttons are gone after the choice; focus must not fall back to <body>.
    assert page.evaluate("document.activeElement.id") == "ed-input"
    wait_count(page, BOT, bots_before + 1)

    page.keyboard.type("Ik werk in de bouw")
    page.keyboard.press("Enter")
    page.locator(USER, has_text="Ik werk in de bouw").wait_for()

    # "Gesprek wissen" by keyboard: Shift+Tab back to it, confirm, a new conversation starts.
    first = conversation_id(page)
    page.focus(".ed-clear")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.className") == "ed-confirm-yes"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(old) => { const v = localStorage.getItem('elkedeur-conversation'); return v && v !== old; }", arg=first
    )
    # The old conversation's bubbles may still be on screen for a moment: wait (with a deadline) until
    # they are gone, instead of reading the page once right after the switch.
    page.locator(USER, has_text="Ik werk in de bouw").wait_for(state="detached", timeout=15_000)
    page.locator(BOT).first.wait_for()
    assert page.locator(USER, has_text="Ik werk in de bouw").count() == 0
    assert page.evaluate("document.activeElement.id") == "ed-input"


def test_messages_are_escaped_and_only_http_links_become_links(page: Any) -> None:
    open_chat(page)
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    page.fill("#ed-input", attack)
    page.keyboard.press("Enter")
    page.locator(USER, has_text="<img src=x").wait_for()
    # Bot and staff texts go through the same renderer as messages from the store.
    page.evaluate(
        """() => window.ElkeDeurChatInstance.renderMessage({id: 9e9, author: 'staff', staff_name: '<b>Ans</b>',
             text: 'Kijk op https://www.uwv.nl/ww. Of [het loket](https://www.werk.nl/loket) en ' +
                   '[klik](javascript:alert(1)) <a href="javascript:alert(2)">x</a> www.niet-http.nl'})"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    log = page.locator(".ed-log")
    assert log.locator("img, script, b").count() == 0
    hrefs = log.locator(".ed-msg--staff a").evaluate_all("els => els.map(a => [a.getAttribute('href'), a.textContent])")
    assert hrefs == [
        ["https://www.uwv.nl/ww", "https://www.uwv.nl/ww (opent in een nieuw tabblad)"],
        ["https://www.werk.nl/loket", "het loket (opent in een nieuw tabblad)"],
    ]
    assert log.locator(".ed-msg--staff", has_text='<a href="javascript:alert(2)">x</a>').count() == 1
    assert log.locator(".ed-msg--staff .ed-who").inner_text().startswith("Medewerker <b>Ans</b>")


def test_axe_finds_no_violations(page: Any, axe_script: Path) -> None:
    open_chat(page)
    page.locator(".ed-choice").first.click()
    wait_count(page, BOT, 2)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        violations = run_axe(page, axe_script, "body")
        assert violations == [], describe(violations)


def test_launcher_embed_and_axe(page: Any, axe_script: Path) -> None:
    page.goto("/embed-demo.html")
    launcher = page.locator(".ed-launcher")
    launcher.wait_for()
    assert page.locator("#ed-panel").is_hidden()
    assert launcher.get_attribute("aria-expanded") == "false"
    violations = run_axe(page, axe_script, "body")
    assert violations == [], describe(violations)
    launcher.focus()
    page.keyboard.press("Enter")
    page.locator(BOT).first.wait_for()
    assert page.evaluate("document.activeElement.id") == "ed-input"
    # The host's colour came through the config object.
    assert page.evaluate("getComputedStyle(document.querySelector('.ed-send')).backgroundColor") == "rgb(21, 66, 115)"
    violations = run_axe(page, axe_script, "body")
    assert violations == [], describe(violations)
    page.keyboard.press("Escape")
    assert page.locator("#ed-panel").is_hidden()
    assert page.evaluate("document.activeElement.className") == "ed-launcher"


@pytest.mark.parametrize(("name", "viewport", "zoom_page"), [("phone-360", PHONE, "/"), ("desktop", DESKTOP, "/")])
def test_screenshots_and_no_horizontal_scroll(
    browser: Any, base_url: str, screenshots: Path, name: str, viewport: dict[str, int], zoom_page: str
) -> None:
    context = browser.new_context(base_url=base_url, locale="nl-NL", viewport=viewport)
    try:
        page = context.new_page()
        open_chat(page)
        page.locator(".ed-choice").last.click()
        wait_count(page, BOT, 2)
        page.wait_for_selector(".ed-typing", state="hidden")
        page.screenshot(path=str(screenshots / f"webchat-{name}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"horizontal scroll of {overflow}px at {viewport['width']}px"

        page.goto("/embed-demo.html")
        page.locator(".ed-launcher").click()
        page.locator(BOT).first.wait_for()
        page.wait_for_selector(".ed-typing", state="hidden")
        page.screenshot(path=str(screenshots / f"webchat-launcher-{name}.png"))
    finally:
        context.close()


def test_zoom_200_percent_reflows(browser: Any, base_url: str, screenshots: Path) -> None:
    """200 % zoom on a 1280 px screen is a 640 CSS px viewport at device scale 2 (WCAG 1.4.4/1.4.10)."""
    context = browser.new_context(
        base_url=base_url, locale="nl-NL", viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    try:
        page = context.new_page()
        open_chat(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        box = page.locator("#ed-input").bounding_box()
        assert box and box["width"] >= 200, "the input stays usable at 200 %"
        page.screenshot(path=str(screenshots / "webchat-zoom-200.png"))
    finally:
        context.close()


def test_a_failed_erase_keeps_the_conversation_and_says_so(page: Any, base_url: str) -> None:
    open_chat(page)
    page.fill("#ed-input", "Ik werk in de zorg")
    page.keyboard.press("Enter")
    page.locator(USER, has_text="Ik werk in de zorg").wait_for()
    first = conversation_id(page)
    # The bridge answers 503 when Rasa's tracker store is unreachable during the erase.
    page.route(
        "**/api/conversations/*",
        lambda route: route.fulfill(status=503, body="{}") if route.request.method == "DELETE" else route.continue_(),
    )
    page.click(".ed-clear")
    page.click(".ed-confirm-yes")
    page.locator(".ed-log", has_text="Het wissen is niet gelukt").wait_for()
    assert conversation_id(page) == first
    assert page.locator(USER, has_text="Ik werk in de zorg").count() == 1
    assert stored(base_url, first)["id"] == first  # nothing pretended: it is still there
