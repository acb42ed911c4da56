"""Regiomonitor (issue 16): exact figures from a hand-counted data set, suppression, scope, audit,
export, and the roll-up that outlives retention (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bridge.core.db import get_sessionmaker
from bridge.knowledge.loader import get_knowledge_base
from bridge.models import AuditLog, Conversation, MonitorDailyCount, MonitorRollupDay, Organisation, StaffRole
from bridge.models.monitor import ALL
from bridge.monitor.facts import tracker_facts
from bridge.monitor.report import make_table, percentile_bucket
from bridge.monitor.rollup import due_days
from bridge.monitor.suppression import HIDDEN, SUPPRESSED, suppress
from bridge.monitor.vocabulary import MEASURES, WAIT_BUCKETS
from bridge.privacy.retention import RetentionPolicy, run_retention
from bridge.privacy.tracker_store import EventRow, RasaTrackerStore
from tests.bridge.factories import login, make_staff
from tests.bridge.monitor_seed import DAY, FREE_TEXT, seed
from tests.bridge.tracker_support import TrackerDB, tracker_db  # noqa: F401

POLICY = RetentionPolicy()
ON_DAY = {"periode": "aangepast", "van": DAY.isoformat(), "tot": DAY.isoformat()}


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch, tracker_db: TrackerDB, client: TestClient) -> TestClient:
    """The data set, counted by a retention run two days later (nothing is old enough to delete)."""
    monkeypatch.setenv("RETENTION_INTERVAL_SECONDS", "0")
    with get_sessionmaker()() as session:
        seed(session, tracker_db)
    _retention(tracker_db, datetime(2026, 11, 4, 6, 0, tzinfo=UTC))
    return client


def _retention(tracker: TrackerDB, now: datetime) -> Any:
    store = RasaTrackerStore(tracker.url)
    try:
        with get_sessionmaker()() as session:
            return run_retention(session, store, POLICY, now=now)
    finally:
        store.close()


def _as(client: TestClient, organisation: str, role: StaffRole, email: str) -> None:
    make_staff(organisation, email, role)
    login(client, email)


def _table(body: dict[str, Any], name: str) -> dict[str, str]:
    table = next(t for t in body["tabellen"] if t["naam"] == name)
    cells = {row["sleutel"]: row["aantal"] for row in table["rijen"]}
    if table["totaal"] is not None:
        cells["_totaal"] = table["totaal"]
    return cells


def _monitor(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/api/staff/monitor", params={**ON_DAY, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_number_of_the_seeded_day(seeded: TestClient) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    body = _monitor(seeded)
    assert body["kerncijfers"] == {
        "gesprekken": "20",
        "intake_afgerond": "14",
        "overdrachten": "14",
        "verkeerde_deur": "42,9%",
        "teruggegeven": SUPPRESSED,
        "niet_begrepen": "25,0%",
        "wachttijd_p50": "5 tot 15 minuten",
        "wachttijd_p90": "30 minuten tot 1 uur",
        "doorlooptijd_p50": "1 tot 4 uur",
        "doorlooptijd_p90": "4 tot 24 uur",
    }
    small = SUPPRESSED
    assert _table(body, "intake") == {
        "afgerond": "14",
        "rol": small,
        "uitkering": small,
        "gemeente": small,
        "sector": small,
        "behoefte": small,
        "niet_begonnen": small,
        "_totaal": "20",
    }
    assert _table(body, "rol") == {"werkende": small, "werkzoekende": "8", "werkgever": "6", "": small, "_totaal": "20"}
    # ww (8) is hidden as well: the four empty uitkeringen add up to 0, so "20 - 12" would give it away.
    assert _table(body, "uitkering") == {
        "ww": HIDDEN,
        "wia": small,
        "wajong": small,
        "bijstand": small,
        "geen": small,
        "": "12",
        "_totaal": "20",
    }
    sector = _table(body, "sector")
    assert sector.pop("zorg") == HIDDEN and sector.pop("") == "14" and sector.pop("_totaal") == "20"
    assert set(sector.values()) == {small}
    behoefte = _table(body, "behoefte")
    assert (behoefte.pop("scholing"), behoefte.pop("personeel_vinden"), behoefte.pop("")) == ("8", HIDDEN, "6")
    assert behoefte.pop("_totaal") == "20" and set(behoefte.values()) == {small}
    shown = _table(body, "regeling_getoond")
    assert (shown.pop("scholing-tijdens-ww"), shown.pop("ontwikkeladvies"), shown.pop("loonkostensubsidie")) == (
        "8",
        "8",
        "6",
    )
    assert set(shown.values()) == {small} and FREE_TEXT[1] not in shown
    assert _table(body, "beeindigd_gevraagd")["stap-budget"] == "6"
    assert _table(body, "overdracht_reden") == {
        "gevraagd": "8",
        "crisis": small,
        "frustratie": HIDDEN,
        "niet_begrepen": small,
        "storing": small,
        "_totaal": "14",
    }
    assert _table(body, "doorgezet") == {"ja": "6", "nee": "8", "_totaal": "14"}
    assert _table(body, "uitkomst") == {
        "geholpen": "8",
        "doorverwezen": HIDDEN,
        "geen_contact": small,
        "dubbel": small,
        "anders": small,
        "terug_naar_bot": small,
        "open": small,
        "_totaal": "14",
    }
    wait = _table(body, "wachttijd")
    assert (wait.pop("5-15m"), wait.pop("30-60m"), wait.pop("_totaal")) == ("8", HIDDEN, "14")
    assert set(wait.values()) == {small}
    close = _table(body, "doorlooptijd")
    assert (close.pop("1-4u"), close.pop("4-24u"), close.pop("_totaal")) == ("8", HIDDEN, "14")
    assert _table(body, "berichten") == {"begrepen": "42", "niet_begrepen": "14", "_totaal": "56"}
    assert body["trend"] == {
        "eenheid": "dag",
        "perioden": ["02-11"],
        "reeksen": {"gesprekken": ["20"], "intake_afgerond": ["14"], "overdrachten": ["14"], "doorgezet": ["6"]},
    }


@pytest.mark.parametrize(
    ("params", "conversations"),
    [
        ({"organisatie": "UWV"}, "8"),
        ({"organisatie": "Gemeente Almere"}, "6"),  # the first door, also after the transfer to the WSP
        ({"organisatie": "-"}, "6"),  # no handoff: C and D
        ({"kanaal": "telegram"}, "6"),
        ({"regio": "Flevoland"}, "18"),
        ({"regio": "-"}, SUPPRESSED),  # D only (2)
        ({"regio": "Flevoland", "kanaal": "web"}, "12"),
    ],
)
def test_filters_read_their_own_slice(seeded: TestClient, params: dict[str, str], conversations: str) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    assert _monitor(seeded, **params)["kerncijfers"]["gesprekken"] == conversations


def test_the_next_dutch_day_and_longer_periods(seeded: TestClient) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    next_day = _monitor(seeded, van="2026-11-03", tot="2026-11-03")
    assert next_day["kerncijfers"]["gesprekken"] == SUPPRESSED  # E alone
    # Three days: 0, 20, 1. The 0 and the 1 add up to 1, so 20 is hidden too (21 - 1 would show it).
    three = _monitor(seeded, van="2026-11-01", tot="2026-11-03")
    assert three["kerncijfers"]["gesprekken"] == "21"
    assert three["trend"]["reeksen"]["gesprekken"] == [SUPPRESSED, HIDDEN, SUPPRESSED]
    weeks = _monitor(seeded, van="2026-10-01", tot="2026-11-30")
    # ISO weeks from Monday 28 September to Monday 30 November 2026.
    assert weeks["trend"]["eenheid"] == "week" and len(weeks["trend"]["perioden"]) == 10
    assert weeks["trend"]["perioden"][5] == "week 45 (02-11)" and weeks["trend"]["reeksen"]["gesprekken"][5] == HIDDEN


def test_no_free_text_reaches_the_roll_up(seeded: TestClient) -> None:
    with get_sessionmaker()() as session:
        rows = session.execute(
            select(
                MonitorDailyCount.arbeidsmarktregio,
                MonitorDailyCount.organisation,
                MonitorDailyCount.channel,
                MonitorDailyCount.key,
            )
        ).all()
        organisations = set(session.scalars(select(Organisation.name)))
    assert not any(text in value for text in FREE_TEXT for row in rows for value in row)
    kb = get_knowledge_base()
    assert {row[0] for row in rows} == {"Flevoland", "", ALL}
    assert {row[1] for row in rows} <= organisations | {"", ALL}
    assert {row[2] for row in rows} == {"web", "telegram", ALL}
    codes = {key for measure in MEASURES.values() for key in measure.keys} | set(kb.regelingen)
    assert {row[3] for row in rows} <= codes


def test_coordinator_sees_own_organisation_and_region_only(seeded: TestClient) -> None:
    _as(seeded, "Gemeente Almere", StaffRole.COORDINATOR, "coord@almere.example")
    response = seeded.get("/api/staff/monitor", params=ON_DAY)
    assert response.status_code == 200
    assert response.json()["filters"]["organisatie"] == "Gemeente Almere"
    assert response.json()["kerncijfers"]["gesprekken"] == "6"
    assert _monitor(seeded, regio="Flevoland", organisatie="")["kerncijfers"]["gesprekken"] == "18"
    everything = _monitor(seeded, regio="", organisatie="")  # "all organisations": those of the own region
    assert everything["filters"]["arbeidsmarktregio"] == "Flevoland" and everything["kerncijfers"]["gesprekken"] == "18"
    for params in (
        {"organisatie": "UWV"},
        {"regio": "Groot Amsterdam"},
        {"regio": "Flevoland", "organisatie": "UWV"},
        {"organisatie": "-"},
    ):
        for path in ("/api/staff/monitor", "/api/staff/monitor/export"):
            assert seeded.get(path, params={**ON_DAY, **params}).status_code == 403, (path, params)
    assert seeded.get("/console/monitor", params={**ON_DAY, "organisatie": "UWV"}).status_code == 403


def test_national_coordinator_has_no_region_and_medewerkers_no_monitor(seeded: TestClient) -> None:
    _as(seeded, "UWV", StaffRole.COORDINATOR, "coord@uwv.example")
    assert _monitor(seeded)["kerncijfers"]["gesprekken"] == "8"
    for params in ({"regio": "Flevoland", "organisatie": ""}, {"regio": "", "organisatie": ""}):
        assert seeded.get("/api/staff/monitor", params={**ON_DAY, **params}).status_code == 403
    seeded.cookies.clear()
    assert seeded.get("/api/staff/monitor").status_code == 401
    _as(seeded, "UWV", StaffRole.MEDEWERKER, "sanne@uwv.example")
    assert seeded.get("/api/staff/monitor").status_code == 403
    assert seeded.get("/api/staff/monitor/export").status_code == 403
    assert seeded.get("/console/monitor").status_code == 403
    assert "Regiomonitor" not in seeded.get("/console").text


def test_bad_periods_are_refused(seeded: TestClient) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    for params in (
        {"periode": "aangepast"},
        {"periode": "aangepast", "van": "2026-11-05", "tot": "2026-11-01"},
        {"periode": "aangepast", "van": "2024-01-01", "tot": "2026-11-01"},
        {"periode": "jaar"},
    ):
        assert seeded.get("/api/staff/monitor", params=params).status_code == 422, params


def test_export_has_the_same_numbers_and_every_view_is_audited(seeded: TestClient) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    shown = _monitor(seeded, organisatie="UWV")
    page = seeded.get("/console/monitor", params={**ON_DAY, "organisatie": "UWV"})
    assert page.status_code == 200 and 'data-kpi="gesprekken">8<' in page.text
    assert "<svg" in page.text and "<script>" not in page.text
    as_csv = seeded.get("/api/staff/monitor/export", params={**ON_DAY, "organisatie": "UWV", "formaat": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    for table in shown["tabellen"]:
        for row in table["rijen"]:
            assert {
                "tabel": table["naam"],
                "sleutel": row["sleutel"],
                "omschrijving": row["omschrijving"],
                "aantal": row["aantal"],
            } in rows
    assert {"tabel": "intake", "sleutel": "_totaal", "omschrijving": "Totaal", "aantal": "8"} in rows
    assert {"tabel": "trend_gesprekken", "sleutel": "02-11", "omschrijving": "Gesprekken", "aantal": "8"} in rows
    as_json = seeded.get("/api/staff/monitor/export", params={**ON_DAY, "organisatie": "UWV", "formaat": "json"})
    assert as_json.json()["tabellen"] == shown["tabellen"]
    assert set(as_json.json()["woordenboek"]["tabellen"]) == {t["naam"] for t in shown["tabellen"]}
    with get_sessionmaker()() as session:
        actions = [
            (row.action, (row.detail or {}).get("organisatie"), (row.detail or {}).get("formaat"))
            for row in session.scalars(select(AuditLog).where(AuditLog.action.like("monitor%")).order_by(AuditLog.id))
        ]
    assert actions == [
        ("monitor_view", "UWV", None),
        ("monitor_view", "UWV", None),
        ("monitor_export", "UWV", "csv"),
        ("monitor_export", "UWV", "json"),
    ]


def test_the_figures_survive_retention(seeded: TestClient, tracker_db: TrackerDB) -> None:
    _as(seeded, "Elke Deur algemeen", StaffRole.BEHEERDER, "beheer@elkedeur.example")
    before = _monitor(seeded)
    later = datetime(2026, 12, 20, 6, 0, tzinfo=UTC)  # 48 days later: every transcript is past its term
    report = _retention(tracker_db, later)
    assert report.conversations == 21 and report.monitor_days > 0
    login(seeded, "beheer@elkedeur.example")  # that run also removed the (then expired) staff session
    with get_sessionmaker()() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        assert session.get(MonitorRollupDay, DAY).final  # type: ignore[union-attr]
    assert tracker_db.senders() == set()
    after = _monitor(seeded)
    assert after["kerncijfers"] == before["kerncijfers"] and after["tabellen"] == before["tabellen"]


def test_a_day_is_counted_again_until_final(seeded: TestClient, tracker_db: TrackerDB) -> None:
    """Claims and outcomes that come later still arrive, until the day is frozen before deletion."""
    with get_sessionmaker()() as session:
        marker = session.get(MonitorRollupDay, DAY)
        assert marker is not None and not marker.final
        assert (
            due_days(session, now=datetime(2026, 11, 4, 9, 0, tzinfo=UTC), cutoff=datetime(2026, 10, 5, tzinfo=UTC))
            == []
        )
        assert (DAY, False) in due_days(
            session, now=datetime(2026, 11, 5, 6, 0, tzinfo=UTC), cutoff=datetime(2026, 10, 6, tzinfo=UTC)
        )
        # The run whose retention could delete the day's first conversation counts it a last time.
        assert (DAY, True) in due_days(
            session, now=datetime(2026, 11, 4, 9, 0, tzinfo=UTC), cutoff=datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
        )


@pytest.mark.parametrize(
    ("counts", "expected", "total"),
    [
        ([3, 100], [None, None], 103),  # one small cell: the other one goes too
        ([50, 0, 30, 20], [50, None, 30, None], 100),  # two hidden, but adding up to 0: the smallest other goes
        ([2, 2, 1, 100], [None, None, None, 100], 105),  # three small ones adding up to 5: enough
        ([6, 7], [6, 7], 13),
        ([3, 1], [None, None], None),  # a total under 5 hides everything
    ],
)
def test_suppression(counts: list[int], expected: list[int | None], total: int | None) -> None:
    cells, shown_total = suppress(counts, with_total=True)
    assert [cell.value for cell in cells] == expected
    assert shown_total is not None and shown_total.value == total
    primary = [cell.text for cell, count in zip(cells, counts, strict=True) if count < 5]
    assert set(primary) <= {SUPPRESSED}


def test_tracker_facts_tell_a_finished_form_from_an_interrupted_one() -> None:
    """Event order as Rasa 3.6 stores it (checked against a tracker store of an end-to-end run)."""

    def row(kind: str, action: str | None = None, intent: str | None = None, **data: Any) -> EventRow:
        return ("x", kind, intent, action, json.dumps({"event": kind, **data}))

    start = [
        row("action", "intake_form"),
        row("active_loop", name="intake_form"),
        row("slot", "requested_slot", name="requested_slot", value="gemeente"),
        row("user", intent="inform"),
    ]
    interrupted = tracker_facts(
        [
            *start,
            row("user", intent="request_medewerker"),
            row("action", "action_deactivate_loop"),
            row("active_loop", name=None),
            row("slot", name="requested_slot", value=None),
        ]
    )["x"]
    assert (interrupted.intake_done, interrupted.last_question, interrupted.user_messages) == (False, "gemeente", 2)
    finished = tracker_facts(
        [
            *start,
            row("action", "intake_form"),
            row("slot", name="requested_slot", value=None),
            row("active_loop", name=None),
        ]
    )["x"]
    assert finished.intake_done


def test_a_waiting_time_in_a_small_bucket_is_not_named() -> None:
    counts = {"0-5m": 3, "5-15m": 10, "niet_opgepakt": 2}
    table = make_table("wachttijd", counts, MEASURES["wachttijd"].keys)
    assert percentile_bucket(table, counts, WAIT_BUCKETS, 0.5) == "5 tot 15 minuten"
    assert percentile_bucket(table, counts, WAIT_BUCKETS, 0.1) is None  # in the bucket of 3
    few = {"0-5m": 2, "5-15m": 2}
    assert percentile_bucket(make_table("wachttijd", few, MEASURES["wachttijd"].keys), few, WAIT_BUCKETS, 0.5) is None


def test_refused_monitor_requests_are_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """A 403 of the Regiomonitor is an ED-6002 line: the path and why, not who or which slice."""
    caplog.set_level("INFO", logger="elkedeur.events")
    _as(client, "UWV", StaffRole.MEDEWERKER, "sanne@uwv.example")
    for path in ("/api/staff/monitor", "/api/staff/monitor/export", "/console/monitor"):
        assert client.get(path).status_code == 403
    client.cookies.clear()
    _as(client, "Gemeente Almere", StaffRole.COORDINATOR, "coord@almere.example")
    assert client.get("/api/staff/monitor", params={**ON_DAY, "organisatie": "UWV"}).status_code == 403
    assert client.get("/console/monitor", params={**ON_DAY, "regio": "Groot Amsterdam"}).status_code == 403
    denials = [
        r.__dict__["event_fields"]
        for r in caplog.records
        if r.name == "elkedeur.events" and r.__dict__.get("event_id") == "ED-6002"
    ]
    assert denials == [
        {"path": "/api/staff/monitor", "reason": "rol"},
        {"path": "/api/staff/monitor/export", "reason": "rol"},
        {"path": "/console/monitor", "reason": "rol"},
        {"path": "/api/staff/monitor", "reason": "scope"},
        {"path": "/console/monitor", "reason": "scope"},
    ]
    assert "Groot Amsterdam" not in str(denials) and "coord@almere.example" not in caplog.text
