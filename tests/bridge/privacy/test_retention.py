"""Retention: old transcripts, trackers, case summaries, audit-log rows and failed logins go, and so
do expired staff sessions; recent ones stay; the scheduled job runs once across concurrent runners
(SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import sessionmaker

from bridge import cli
from bridge.core.config import Settings
from bridge.core.db import get_engine, get_sessionmaker, make_engine
from bridge.core.logging import configure_logging
from bridge.models import (
    AuditLog,
    CaseSummary,
    Conversation,
    HandoffCase,
    LoginAttempt,
    Message,
    ScheduledJob,
    StaffSession,
)
from bridge.privacy.retention import (
    RetentionPolicy,
    job_lock,
    retention_loop,
    run_retention,
    run_scheduled,
)
from bridge.privacy.tracker_store import RasaTrackerStore
from tests.bridge.conftest import migrate
from tests.bridge.factories import UWV_INTAKE, login, make_case, make_staff
from tests.bridge.tracker_support import TrackerDB, age_conversation, cells_containing, new_id, tracker_db, wait_until  # noqa: F401

StoreFactory = Callable[..., RasaTrackerStore]
POLICY = RetentionPolicy(transcript_days=30, case_summary_days=365, audit_log_days=365, login_attempt_days=30)
OLD = 40  # days: past the transcript term
ANCIENT = 400  # days: past the case summary term too


@pytest.fixture
def no_background_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run retention themselves; the bridge's own job stays off."""
    monkeypatch.setenv("RETENTION_INTERVAL_SECONDS", "0")


@pytest.fixture
def app_client(no_background_job: None, tracker_db: TrackerDB, client: TestClient) -> TestClient:
    return client


def _conversation(client: TestClient, text: str = "Ik zoek werk in de zorg") -> str:
    conversation_id = str(client.post("/api/conversations").json()["id"])
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    return conversation_id


def _closed_case(client: TestClient, staff_email: str) -> tuple[str, str]:
    conversation_id, case_id = make_case(client, {**UWV_INTAKE, "contact": {"telefoon": "0612345678"}})
    make_staff("UWV", staff_email)
    csrf = login(client, staff_email)
    assert (
        client.post(
            f"/api/staff/cases/{case_id}/close", json={"outcome": "doorverwezen", "note": "vrije tekst"}, headers=csrf
        ).status_code
        == 200
    )
    client.cookies.clear()
    return conversation_id, case_id


def _old_summary(days: int) -> str:
    case_id = new_id()
    moment = datetime.now(UTC) - timedelta(days=days)
    with get_sessionmaker()() as session:
        session.add(
            CaseSummary(
                id=case_id,
                queue="UWV",
                channel="web",
                reden="gevraagd",
                intake={"rol": "werkende"},
                outcome="geholpen",
                created_at=moment,
                closed_at=moment,
            )
        )
        session.commit()
    return case_id


@pytest.fixture
def scenario(app_client: TestClient, tracker_db: TrackerDB) -> dict[str, str]:
    """One of each: what retention must delete and what it must keep."""
    client, engine = app_client, get_engine()
    ids: dict[str, str] = {}
    ids["old"] = _conversation(client, "Oud gesprek over de ww")
    ids["old_closed"], ids["old_closed_case"] = _closed_case(client, "a@uwv.example")
    ids["ancient_closed"], ids["ancient_closed_case"] = _closed_case(client, "b@uwv.example")
    ids["old_open"], ids["old_open_case"] = make_case(client)
    ids["old_but_active"] = _conversation(client, "Lang geleden begonnen")
    ids["recent"] = _conversation(client, "Nieuw gesprek")
    for name, days in (
        ("old", OLD),
        ("old_closed", OLD),
        ("ancient_closed", ANCIENT),
        ("old_open", OLD),
        ("old_but_active", OLD),
    ):
        age_conversation(engine, ids[name], days)
    # A new message today keeps the conversation: its last activity counts, not its start.
    client.post(f"/api/conversations/{ids['old_but_active']}/messages", json={"text": "Ik ben er weer"})
    old_moment = datetime.now(UTC) - timedelta(days=OLD)
    for name in ("old", "old_closed", "ancient_closed", "old_open", "old_but_active"):
        tracker_db.add_events(ids[name], ["vraag", "antwoord"], at=old_moment)  # Rasa was last used back then
    tracker_db.add_events(ids["recent"], ["vraag", "antwoord"])
    ids["orphan_old"], ids["orphan_recent"] = new_id(), new_id()  # trackers the bridge does not know
    tracker_db.add_events(ids["orphan_old"], ["vraag"], at=old_moment)
    tracker_db.add_events(ids["orphan_recent"], ["vraag"])
    ids["summary_old"], ids["summary_recent"] = _old_summary(ANCIENT), _old_summary(100)
    return ids


@pytest.fixture
def stores(tracker_db: TrackerDB) -> Iterator[StoreFactory]:
    """Tracker stores on the test tracker database, closed after the test."""
    made: list[RasaTrackerStore] = []

    def make(kind: type[RasaTrackerStore] = RasaTrackerStore) -> RasaTrackerStore:
        made.append(kind(tracker_db.url))
        return made[-1]

    yield make
    for store in made:
        store.close()


def test_retention_deletes_exactly_what_is_old(
    scenario: dict[str, str], tracker_db: TrackerDB, stores: StoreFactory
) -> None:
    ids = scenario
    with get_sessionmaker()() as session:
        report = run_retention(session, stores(), POLICY)

    gone = ["old", "old_closed", "ancient_closed"]
    kept = ["old_open", "old_but_active", "recent"]
    with get_sessionmaker()() as session:
        remaining = set(session.scalars(select(Conversation.id)))
        assert remaining == {ids[name] for name in kept}
        assert set(session.scalars(select(Message.conversation_id))) == remaining
        # Closed cases of deleted conversations became summaries; the one past its own term went too.
        summaries = set(session.scalars(select(CaseSummary.id)))
        assert summaries == {ids["old_closed_case"], ids["summary_recent"]}
        summary = session.get(CaseSummary, ids["old_closed_case"])
        assert summary is not None and summary.outcome == "doorverwezen" and "contact" not in summary.intake
        # The open case is still in its queue, with its conversation.
        assert session.get(HandoffCase, ids["old_open_case"]) is not None
    assert cells_containing(get_engine(), [ids[name] for name in gone] + ["0612345678", "vrije tekst"]) == []
    assert tracker_db.senders() == {ids[name] for name in kept} | {ids["orphan_recent"]}
    assert report.conversations == 3
    assert report.cases == 2 and report.summaries_created == 2
    assert report.summaries == 2  # summary_old and the one made from ancient_closed
    assert report.trackers == 4  # three conversations and the old orphan
    assert report.kept_open == 1
    assert report.messages >= 3
    # The staff's logins and case work of today stay: their audit rows and live sessions.
    assert (report.audit_entries, report.login_attempts, report.staff_sessions) == (0, 0, 0)
    with get_sessionmaker()() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 2
        assert session.scalar(select(func.count()).select_from(AuditLog)) > 0


def test_dry_run_counts_the_same_and_deletes_nothing(
    scenario: dict[str, str], tracker_db: TrackerDB, stores: StoreFactory
) -> None:
    before = cells_containing(get_engine(), [scenario["old"]])
    senders = tracker_db.senders()
    with get_sessionmaker()() as session:
        dry = run_retention(session, stores(), POLICY, dry_run=True)
    assert cells_containing(get_engine(), [scenario["old"]]) == before != []
    assert tracker_db.senders() == senders
    with get_sessionmaker()() as session:
        real = run_retention(session, stores(), POLICY)
    # A dry run cannot see the summary that the real run creates and deletes in one go.
    assert {**dry.as_dict(), "dry_run": False, "summaries": dry.summaries + 1} == real.as_dict()


def test_nothing_old_means_nothing_deleted(app_client: TestClient, tracker_db: TrackerDB, stores: StoreFactory) -> None:
    conversation_id = _conversation(app_client)
    tracker_db.add_events(conversation_id, ["vraag"])
    with get_sessionmaker()() as session:
        report = run_retention(session, stores(), POLICY)
    assert (report.conversations, report.messages, report.trackers, report.summaries) == (0, 0, 0, 0)
    assert tracker_db.count(conversation_id) == 2


def test_retention_logs_ed5002_with_counts_only(
    scenario: dict[str, str], tracker_db: TrackerDB, stores: StoreFactory
) -> None:
    stream = io.StringIO()
    handler = configure_logging(stream=stream)
    try:
        with get_sessionmaker()() as session:
            run_retention(session, stores(), POLICY)
    finally:
        logging.getLogger().removeHandler(handler)
    [line] = [json.loads(x) for x in stream.getvalue().splitlines() if '"ED-5002"' in x]
    assert line["fields"] == {
        "conversations": 3,
        "messages": line["fields"]["messages"],
        "trackers": 4,
        "cases": 2,
        "summaries": 2,
        "kept_open": 1,
        "audit_entries": 0,
        "login_attempts": 0,
        "staff_sessions": 0,
        "monitor_days": line["fields"]["monitor_days"],
    }
    assert line["fields"]["monitor_days"] > 0  # the Regiomonitor counted the days before they were deleted
    assert "dropped" not in line
    assert not any(scenario[name] in stream.getvalue() for name in ("old", "old_closed", "ancient_closed"))


# --- staff traces: audit log, failed logins, sessions ----------------------------------------


def _ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@pytest.fixture
def staff_traces(app_client: TestClient) -> dict[str, object]:
    """One medewerker's traces, each just past or well within its term (terms of POLICY)."""
    staff_id = make_staff("UWV", "traces@uwv.example")
    address = "192.0.2.10"
    with get_sessionmaker()() as session:
        audit = {
            "audit_old": AuditLog(
                staff_id=staff_id,
                organisation="UWV",
                action="case_view",
                address=address,
                created_at=_ago(days=ANCIENT),
            ),
            "audit_recent": AuditLog(
                staff_id=staff_id, organisation="UWV", action="case_view", address=address, created_at=_ago(days=100)
            ),
        }
        attempts = {
            "attempt_old": LoginAttempt(email="traces@uwv.example", address=address, created_at=_ago(days=OLD)),
            "attempt_recent": LoginAttempt(email="traces@uwv.example", address=address, created_at=_ago(days=1)),
        }
        sessions = {  # past its lifetime; idle too long (lifetime left); in use
            "session_expired": StaffSession(
                token_hash="a" * 64,
                staff_id=staff_id,
                csrf_token="x",
                created_at=_ago(hours=9),
                last_seen_at=_ago(minutes=5),
                expires_at=_ago(hours=1),
            ),
            "session_idle": StaffSession(
                token_hash="b" * 64,
                staff_id=staff_id,
                csrf_token="x",
                created_at=_ago(hours=3),
                last_seen_at=_ago(hours=2),
                expires_at=_ago(hours=-5),
            ),
            "session_live": StaffSession(
                token_hash="c" * 64,
                staff_id=staff_id,
                csrf_token="x",
                created_at=_ago(hours=2),
                last_seen_at=_ago(minutes=1),
                expires_at=_ago(hours=-6),
            ),
        }
        session.add_all([*audit.values(), *attempts.values(), *sessions.values()])
        session.commit()
        ids: dict[str, object] = {name: row.id for name, row in {**audit, **attempts}.items()}
        ids.update({name: row.token_hash for name, row in sessions.items()})
    return ids


def _remaining_traces() -> tuple[set[object], set[object], set[object]]:
    with get_sessionmaker()() as session:
        return (
            set(session.scalars(select(AuditLog.id))),
            set(session.scalars(select(LoginAttempt.id))),
            set(session.scalars(select(StaffSession.token_hash))),
        )


def test_retention_deletes_old_staff_traces_and_expired_sessions(
    staff_traces: dict[str, object], stores: StoreFactory
) -> None:
    ids = staff_traces
    with get_sessionmaker()() as session:
        report = run_retention(session, stores(), POLICY)
    assert _remaining_traces() == ({ids["audit_recent"]}, {ids["attempt_recent"]}, {ids["session_live"]})
    assert (report.audit_entries, report.login_attempts, report.staff_sessions) == (1, 1, 2)
    assert report.conversations == 0


def test_staff_traces_follow_their_own_settings(staff_traces: dict[str, object], stores: StoreFactory) -> None:
    ids = staff_traces
    policy = RetentionPolicy.from_settings(Settings(retention_days_audit_log=50, retention_days_login_attempts=60))
    assert (policy.audit_log_days, policy.login_attempt_days) == (50, 60)
    with get_sessionmaker()() as session:
        report = run_retention(session, stores(), policy)
    audit, attempts, _ = _remaining_traces()
    assert audit == set() and attempts == {ids["attempt_old"], ids["attempt_recent"]}
    assert (report.audit_entries, report.login_attempts) == (2, 0)


def test_staff_trace_terms_have_sane_defaults_and_refuse_zero() -> None:
    defaults = RetentionPolicy.from_settings(Settings())
    assert (defaults.audit_log_days, defaults.login_attempt_days) == (365, 30)
    for name in ("retention_days_audit_log", "retention_days_login_attempts"):
        with pytest.raises(ValidationError, match=name):
            Settings(**{name: 0})


def test_dry_run_counts_staff_traces_and_deletes_nothing(staff_traces: dict[str, object], stores: StoreFactory) -> None:
    before = _remaining_traces()
    with get_sessionmaker()() as session:
        dry = run_retention(session, stores(), POLICY, dry_run=True)
    assert _remaining_traces() == before
    with get_sessionmaker()() as session:
        real = run_retention(session, stores(), POLICY)
    assert (dry.audit_entries, dry.login_attempts, dry.staff_sessions) == (1, 1, 2)
    assert {**dry.as_dict(), "dry_run": False} == real.as_dict()


def test_cli_reports_staff_traces(
    staff_traces: dict[str, object],
    tracker_db: TrackerDB,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["retention", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "audit-log 365 dagen, inlogpogingen 30 dagen." in dry
    assert "       1  regels uit het audit-log (zou verwijderen)" in dry
    assert "       1  mislukte inlogpogingen (zou verwijderen)" in dry
    assert "       2  verlopen inlogsessies van medewerkers (zou verwijderen)" in dry
    assert len(_remaining_traces()[2]) == 3

    assert cli.main(["retention", "--run"]) == 0
    assert "       2  verlopen inlogsessies van medewerkers (verwijderd)" in capsys.readouterr().out
    assert _remaining_traces()[2] == {staff_traces["session_live"]}


# --- once across runners ---------------------------------------------------------------------


class _GatedStore(RasaTrackerStore):
    """A tracker store that holds the run inside the lock until the test lets it go."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.inside = threading.Event()
        self.release = threading.Event()

    def idle_senders(self, before: datetime) -> list[str]:
        self.inside.set()
        assert self.release.wait(120), "test never released the run"
        return super().idle_senders(before)


@pytest.fixture
def engines(app_client: TestClient, database_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on the same database, like two bridge workers (own connection pools)."""
    first, second = make_engine(database_url), make_engine(database_url)
    yield first, second
    first.dispose()
    second.dispose()


def test_a_second_runner_is_locked_out_while_the_first_runs(
    scenario: dict[str, str],
    tracker_db: TrackerDB,
    engines: tuple[Engine, Engine],
    stores: StoreFactory,
) -> None:
    first_engine, second_engine = engines
    gated = stores(_GatedStore)
    assert isinstance(gated, _GatedStore)
    outcomes: dict[str, object] = {}
    runner = threading.Thread(
        target=lambda: outcomes.__setitem__("first", run_scheduled(first_engine, gated, POLICY, interval_seconds=3600))
    )
    runner.start()
    try:
        assert gated.inside.wait(120)
        second = run_scheduled(second_engine, stores(), POLICY, interval_seconds=3600, force=True)
    finally:
        gated.release.set()
        runner.join(120)
    assert (second.ran, second.reason) == (False, "bezet")
    first = outcomes["first"]
    assert first.ran and first.report is not None and first.report.conversations == 3  # type: ignore[attr-defined]
    # Once the lock is free, a worker whose timer fires in the same interval skips the run.
    third = run_scheduled(second_engine, stores(), POLICY, interval_seconds=3600)
    assert (third.ran, third.reason) == (False, "recent")


def test_two_concurrent_runners_run_the_job_exactly_once(
    scenario: dict[str, str],
    tracker_db: TrackerDB,
    engines: tuple[Engine, Engine],
    stores: StoreFactory,
) -> None:
    barrier = threading.Barrier(2)
    results: list[object] = []
    stream = io.StringIO()
    handler = configure_logging(stream=stream)

    def worker(engine: Engine) -> None:
        barrier.wait(60)
        results.append(run_scheduled(engine, stores(), POLICY, interval_seconds=3600))

    threads = [threading.Thread(target=worker, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
    finally:
        logging.getLogger().removeHandler(handler)
    ran = [r for r in results if r.ran]  # type: ignore[attr-defined]
    assert len(results) == 2 and len(ran) == 1
    assert ran[0].report.conversations == 3  # type: ignore[attr-defined]
    assert stream.getvalue().count('"ED-5002"') == 1
    with get_sessionmaker()() as session:
        job = session.get(ScheduledJob, "retention")
        assert job is not None and job.last_run_at is not None and job.lease_holder is None


def test_sqlite_lease_of_a_dead_runner_expires(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'bridge.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        factory = sessionmaker(bind=engine)
        with job_lock(engine, factory) as acquired:
            assert acquired
            with job_lock(engine, factory) as again:
                assert not again
        # A runner that died while holding the lease: its lease runs out, then another may run.
        with factory() as session:
            session.execute(
                update(ScheduledJob).values(lease_holder="dood", lease_until=datetime.now(UTC) + timedelta(minutes=5))
            )
            session.commit()
        with job_lock(engine, factory) as acquired:
            assert not acquired
        with job_lock(engine, factory, now=datetime.now(UTC) + timedelta(minutes=10)) as acquired:
            assert acquired
    finally:
        engine.dispose()


# --- the job inside the bridge and the operator command -----------------------------------------


def test_retention_loop_keeps_running_after_a_failure() -> None:
    calls: list[int] = []
    enough = asyncio.Event()

    def run() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database weg")
        if len(calls) >= 3:
            enough.set()

    async def scenario() -> None:
        task = asyncio.create_task(retention_loop(run, interval_seconds=0.01, first_delay=0))
        await asyncio.wait_for(enough.wait(), 120)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert len(calls) >= 3


@pytest.fixture
def fast_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_INTERVAL_SECONDS", "1")


def test_the_bridge_runs_retention_on_its_own(
    fast_retention: None,
    tracker_db: TrackerDB,
    client: TestClient,
) -> None:
    old = _conversation(client, "Oud gesprek")
    age_conversation(get_engine(), old, OLD)

    def done() -> bool:
        with get_sessionmaker()() as session:
            job = session.get(ScheduledJob, "retention")
            return job is not None and job.last_run_at is not None

    assert wait_until(done)
    with get_sessionmaker()() as session:
        assert session.get(Conversation, old) is None


def test_cli_dry_run_then_run(
    scenario: dict[str, str],
    tracker_db: TrackerDB,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["retention", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "       3  gesprekken (zou verwijderen)" in dry
    with get_sessionmaker()() as session:
        assert session.get(Conversation, scenario["old"]) is not None

    assert cli.main(["retention", "--run"]) == 0
    out = capsys.readouterr().out
    assert "       3  gesprekken (verwijderd)" in out and "       4  Rasa-trackers (verwijderd)" in out
    with get_sessionmaker()() as session:
        assert session.get(Conversation, scenario["old"]) is None
    assert scenario["orphan_old"] not in tracker_db.senders()


def test_cli_refuses_while_the_job_runs(
    scenario: dict[str, str],
    tracker_db: TrackerDB,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other_worker = make_engine(database_url)
    try:
        with job_lock(other_worker, sessionmaker(bind=other_worker)) as held:
            assert held
            assert cli.main(["retention", "--run"]) == 1
    finally:
        other_worker.dispose()
    assert "draait al" in capsys.readouterr().err
    with get_sessionmaker()() as session:
        assert session.get(Conversation, scenario["old"]) is not None
