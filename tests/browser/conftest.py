"""Real-browser fixtures: Debian's chromium driven by Playwright, against the real system."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.core.config import PROJECT_ROOT
from tests.e2e.conftest import RunningSystem, system  # noqa: F401  (session fixture reused here)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _chromium_path() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium for the session; the tests skip only when it is genuinely missing."""
    executable = _chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (run scripts/ensure-test-tools.sh); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed in .venvs/app (requirements/app.in); browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> str:
    """The bridge that serves the web chat: the real system, or ELKEDEUR_TEST_BASE_URL when set."""
    given = os.environ.get("ELKEDEUR_TEST_BASE_URL")
    if given:
        return given.rstrip("/")
    running: RunningSystem = request.getfixturevalue("system")
    return running.base_url


@pytest.fixture
def context(browser, base_url: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser profile per test (own localStorage), Dutch locale."""
    ctx = browser.new_context(base_url=base_url, locale="nl-NL", viewport=DESKTOP)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    return context.new_page()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed (run scripts/ensure-test-tools.sh); axe check skipped")
    return AXE_JS


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
