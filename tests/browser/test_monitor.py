"""The Regiomonitor in a real browser: a beheerder filters, reads the figures, exports CSV; axe finds nothing.

Runs against a bridge process only (Rasa stays down): the data set of tests/bridge/monitor_seed.py is written
straight into its databases and counted by a retention run, as the daily job would.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bridge.core.config import PROJECT_ROOT
from bridge.core.db import make_engine
from bridge.models import StaffRole
from bridge.privacy.retention import RetentionPolicy, run_retention
from bridge.privacy.tracker_store import EVENTS, RasaTrackerStore
from bridge.services.staff import create_staff_account
from tests.bridge.factories import PASSWORD
from tests.bridge.monitor_seed import seed
from tests.bridge.tracker_support import TrackerDB
from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.browser.test_callback import BridgeOnly, bridge_only  # noqa: F401
from tests.browser.test_web_chat import describe, run_axe

pytestmark = pytest.mark.e2e

EMAIL = "beheer@elkedeur.example"
DOC_SCREENSHOT = PROJECT_ROOT / "docs" / "screenshots" / "regiomonitor.png"


@pytest.fixture
def monitor_data(bridge_only: BridgeOnly, tmp_path: Path) -> BridgeOnly:
    """The seeded day, counted into the roll-up, and a beheerder to look at it."""
    tracker = TrackerDB(f"sqlite:///{tmp_path / 'rasa-tracker.db'}", str(tmp_path / "rasa-tracker.db"))
    EVENTS.create(tracker.engine, checkfirst=True)
    engine = make_engine(bridge_only.database_url)
    store = RasaTrackerStore(tracker.url)
    try:
        with Session(engine) as session:
            seed(session, tracker)
            run_retention(session, store, RetentionPolicy(), now=datetime(2026, 11, 4, 6, 0, tzinfo=UTC))
            create_staff_account(
                session,
                organisation="Elke Deur algemeen",
                email=EMAIL,
                password=PASSWORD,
                display_name="Beheer",
                role=StaffRole.BEHEERDER,
            )
    finally:
        store.close()
        engine.dispose()
        tracker.engine.dispose()
    return bridge_only


def test_beheerder_filters_reads_and_exports(browser: Any, monitor_data: BridgeOnly, axe_script: Path) -> None:
    context = browser.new_context(
        base_url=monitor_data.base_url, locale="nl-NL", viewport=DESKTOP, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/console/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        page.get_by_role("link", name="Regiomonitor").click()
        page.wait_for_selector("#kerncijfers")

        page.get_by_label("Periode", exact=True).select_option("aangepast")
        page.get_by_label("Van (bij zelf gekozen)").fill("2026-11-02")
        page.get_by_label("Tot en met").fill("2026-11-02")
        page.get_by_role("button", name="Toon cijfers").click()
        page.wait_for_selector("text=Periode: 02-11-2026 tot en met 02-11-2026")
        assert page.inner_text("[data-kpi='gesprekken']") == "20"
        assert page.inner_text("[data-kpi='verkeerde_deur']") == "42,9%"
        # The same number in the chart's table as in the key figures; small ones are "< 5".
        assert page.inner_text("#tabel-doorgezet tr[data-sleutel='ja'] td") == "6"
        assert page.inner_text("#tabel-rol tr[data-sleutel='werkende'] td") == "< 5"
        violations = run_axe(page, axe_script, "body")
        assert violations == [], describe(violations)
        DOC_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SCREENSHOT), full_page=False)
        page.screenshot(path=str(SCREENSHOTS / "regiomonitor-volledig.png"), full_page=True)

        page.get_by_label("Organisatie", exact=True).select_option("UWV")
        page.get_by_label("Kanaal", exact=True).select_option("web")
        page.get_by_role("button", name="Toon cijfers").click()
        page.wait_for_url("**organisatie=UWV**")
        assert page.inner_text("[data-kpi='gesprekken']") == "8"
        assert page.inner_text("[data-kpi='overdrachten']") == "8"

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download CSV").click()
        download = download_info.value
        assert download.suggested_filename == "regiomonitor-2026-11-02-2026-11-02.csv"
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert {"tabel": "intake", "sleutel": "_totaal", "omschrijving": "Totaal", "aantal": "8"} in rows
        # None of UWV's 8 cases was transferred: "ja" is 0, so "nee" (8) is hidden too, else 8 - 8 gives the 0.
        assert {"tabel": "doorgezet", "sleutel": "ja", "omschrijving": "Doorgezet", "aantal": "< 5"} in rows
        assert {
            "tabel": "doorgezet",
            "sleutel": "nee",
            "omschrijving": "Niet doorgezet",
            "aantal": "afgeschermd",
        } in rows
    finally:
        context.close()
