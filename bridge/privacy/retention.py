"""Retention: delete transcripts and Rasa trackers after their term, case summaries after theirs.

- A conversation whose last activity (created, status change, newest message) is older than
  RETENTION_DAYS_TRANSCRIPT is erased like an erasure request (bridge/privacy/erasure.py):
  messages, cases and the Rasa tracker go, closed cases leave a CaseSummary. A conversation with
  an open case is kept: the organisation is still working on it (counted as `kept_open`).
- A Rasa tracker whose newest event is older than the term, and that belongs to no conversation
  the bridge still has, is deleted too (trackers of erased or never-stored conversations).
- A CaseSummary is deleted RETENTION_DAYS_CASE_SUMMARY after the case was closed.
- Staff traces, which hold staff ids and IP addresses: audit-log rows RETENTION_DAYS_AUDIT_LOG after
  they were written, failed login attempts after RETENTION_DAYS_LOGIN_ATTEMPTS, and staff sessions
  as soon as they expired (past their lifetime or idle timeout; a returning browser would delete
  them too, an abandoned one never comes back).

The bridge runs `run_scheduled` every RETENTION_INTERVAL_SECONDS in each worker; a lock (PostgreSQL
advisory lock, or a lease row on SQLite) plus the `last_run_at` of the job make it run once per
interval, not once per worker. Operators run it by hand with `python -m bridge.cli retention`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, delete, exists, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bridge.core.config import Settings
from bridge.core.db import rowcount
from bridge.core.logging import log_event
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
from bridge.models.base import Base, as_utc
from bridge.monitor.rollup import due_days, roll_up_due_days
from bridge.privacy.erasure import CLOSED, erase_from_database
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.services.staff import SESSION_IDLE_TIMEOUT

JOB_NAME = "retention"
# Stable 63-bit key of the PostgreSQL advisory lock (the same in every process).
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"elkedeur:retention").digest()[:8], "big") >> 1
LEASE = timedelta(hours=1)  # a SQLite runner that died frees the lease after this
FIRST_RUN_DELAY_SECONDS = 60.0  # after start-up, so a restart storm does not all sweep at once
_CHUNK = 500


@dataclass(frozen=True)
class RetentionPolicy:
    """How long what is kept (days)."""

    transcript_days: int = 30
    case_summary_days: int = 365
    audit_log_days: int = 365
    login_attempt_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            transcript_days=settings.retention_days_transcript,
            case_summary_days=settings.retention_days_case_summary,
            audit_log_days=settings.retention_days_audit_log,
            login_attempt_days=settings.retention_days_login_attempts,
        )


@dataclass
class RetentionReport:
    """Counts of one run (or of what a dry run would delete); never content."""

    conversations: int = 0
    messages: int = 0
    cases: int = 0  # cases deleted with their conversation (closed ones leave a summary)
    summaries_created: int = 0
    summaries: int = 0  # case summaries deleted at the end of their own term
    trackers: int = 0  # Rasa conversations whose events were deleted
    kept_open: int = 0  # expired conversations kept because a case is still open
    audit_entries: int = 0  # audit-log rows past their term
    login_attempts: int = 0  # failed login attempts past their term
    staff_sessions: int = 0  # expired staff sessions
    monitor_days: int = 0  # days counted into the Regiomonitor's roll-up before anything was deleted
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def expired_conversations(session: Session, cutoff: datetime) -> tuple[list[str], int]:
    """Conversations without activity since `cutoff`: (ids to erase, how many kept for an open case)."""
    recent_message = exists().where(Message.conversation_id == Conversation.id, Message.created_at >= cutoff)
    open_case = exists().where(HandoffCase.conversation_id == Conversation.id, HandoffCase.status != CLOSED)
    idle = and_(Conversation.created_at < cutoff, Conversation.updated_at < cutoff, ~recent_message)
    ids = list(session.scalars(select(Conversation.id).where(idle, ~open_case).order_by(Conversation.created_at)))
    kept_open = session.scalar(select(func.count()).select_from(Conversation).where(idle, open_case)) or 0
    return ids, kept_open


def _orphan_idle_trackers(session: Session, tracker_store: RasaTrackerStore, cutoff: datetime) -> list[str]:
    """Idle Rasa trackers of conversations the bridge no longer (or never) had."""
    idle = tracker_store.idle_senders(cutoff)
    still_here: set[str] = set()
    for start in range(0, len(idle), _CHUNK):
        chunk = idle[start : start + _CHUNK]
        still_here.update(session.scalars(select(Conversation.id).where(Conversation.id.in_(chunk))))
    return [sender for sender in idle if sender not in still_here]


def _delete_rows(session: Session, model: type[Base], condition: ColumnElement[bool], *, dry_run: bool) -> int:
    """Delete the rows of `model` that match (or only count them with `dry_run`)."""
    if dry_run:
        return session.scalar(select(func.count()).select_from(model).where(condition)) or 0
    return rowcount(session.execute(delete(model).where(condition)))


def run_retention(
    session: Session,
    tracker_store: RasaTrackerStore,
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> RetentionReport:
    """Delete what has passed its term (or only count it with `dry_run`); logs ED-5002 with counts."""
    now = as_utc(now or datetime.now(UTC))
    cutoff = now - timedelta(days=policy.transcript_days)
    summary_cutoff = now - timedelta(days=policy.case_summary_days)
    audit_cutoff = now - timedelta(days=policy.audit_log_days)
    login_cutoff = now - timedelta(days=policy.login_attempt_days)
    report = RetentionReport(dry_run=dry_run)

    # The Regiomonitor's daily counts first: after this run the transcripts they come from may be gone.
    if dry_run:
        report.monitor_days = len(due_days(session, now=now, cutoff=cutoff))
    else:
        report.monitor_days = roll_up_due_days(session, tracker_store, now=now, cutoff=cutoff)
    expired, report.kept_open = expired_conversations(session, cutoff)
    counts = erase_from_database(session, expired, dry_run=dry_run)
    report.conversations, report.messages = counts.conversations, counts.messages
    report.cases = counts.cases_summarised + counts.cases_deleted
    report.summaries_created = counts.cases_summarised

    # Trackers: those of the erased conversations, whatever their age, and idle orphans.
    senders = list(dict.fromkeys([*expired, *_orphan_idle_trackers(session, tracker_store, cutoff)]))
    report.trackers = len(tracker_store.senders_with_events(senders))
    if not dry_run:
        tracker_store.delete_senders(senders)

    report.summaries = _delete_rows(session, CaseSummary, CaseSummary.closed_at < summary_cutoff, dry_run=dry_run)
    report.audit_entries = _delete_rows(session, AuditLog, AuditLog.created_at < audit_cutoff, dry_run=dry_run)
    report.login_attempts = _delete_rows(session, LoginAttempt, LoginAttempt.created_at < login_cutoff, dry_run=dry_run)
    # Sessions have no retention term of their own: once expired (lifetime or idle) they are useless.
    expired_sessions = or_(StaffSession.expires_at <= now, StaffSession.last_seen_at <= now - SESSION_IDLE_TIMEOUT)
    report.staff_sessions = _delete_rows(session, StaffSession, expired_sessions, dry_run=dry_run)
    if dry_run:
        session.rollback()
    else:
        session.commit()
        log_event(
            "ED-5002",
            conversations=report.conversations,
            messages=report.messages,
            trackers=report.trackers,
            cases=report.cases,
            summaries=report.summaries,
            kept_open=report.kept_open,
            audit_entries=report.audit_entries,
            login_attempts=report.login_attempts,
            staff_sessions=report.staff_sessions,
            monitor_days=report.monitor_days,
        )
    return report


# --- running once across workers -------------------------------------------------------------


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{id(object())}"[:100]


def _ensure_job_row(session: Session) -> None:
    if session.get(ScheduledJob, JOB_NAME) is None:
        session.add(ScheduledJob(name=JOB_NAME))
        try:
            session.commit()
        except IntegrityError:  # another runner inserted it at the same moment
            session.rollback()


@contextmanager
def job_lock(engine: Engine, session_factory: sessionmaker[Session], *, now: datetime | None = None) -> Iterator[bool]:
    """Hold the retention lock while the block runs; yields False when another runner has it.

    PostgreSQL: a session-level advisory lock on a connection of its own (freed by the server if
    the process dies). SQLite: an atomic UPDATE of the job's lease row (freed after LEASE at worst).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            acquired = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}))
            connection.commit()
            try:
                yield acquired
            finally:
                if acquired:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                    connection.commit()
        return
    holder = _holder()
    moment = as_utc(now or datetime.now(UTC))
    with session_factory() as session:
        _ensure_job_row(session)
        result = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == JOB_NAME)
            .where(or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < moment))
            .values(lease_holder=holder, lease_until=moment + LEASE)
        )
        session.commit()
        acquired = rowcount(result) == 1
    try:
        yield acquired
    finally:
        if acquired:
            with session_factory() as session:
                session.execute(
                    update(ScheduledJob)
                    .where(ScheduledJob.name == JOB_NAME, ScheduledJob.lease_holder == holder)
                    .values(lease_holder=None, lease_until=None)
                )
                session.commit()


@dataclass
class ScheduledOutcome:
    """What one scheduled attempt did: ran (with its report) or skipped, and why."""

    ran: bool
    reason: str  # "gedraaid" | "bezet" (another runner holds the lock) | "recent" (ran this interval)
    report: RetentionReport | None = None


def run_scheduled(
    engine: Engine,
    tracker_store: RasaTrackerStore,
    policy: RetentionPolicy,
    *,
    interval_seconds: float,
    now: datetime | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ScheduledOutcome:
    """Run retention if no other runner is busy and (unless `force`) it has not run this interval."""
    now = as_utc(now or datetime.now(UTC))
    session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    with job_lock(engine, session_factory, now=now) as acquired:
        if not acquired:
            return ScheduledOutcome(False, "bezet")
        with session_factory() as session:
            _ensure_job_row(session)
            job = session.get(ScheduledJob, JOB_NAME)
            assert job is not None
            # A little slack, so workers whose timers drift a few seconds do not skip a whole interval.
            window_start = now - timedelta(seconds=interval_seconds * 0.9)
            recent = job.last_run_at is not None and job.last_run_at > window_start
            if recent and not force:
                return ScheduledOutcome(False, "recent")
            report = run_retention(session, tracker_store, policy, now=now, dry_run=dry_run)
            if not dry_run:
                session.execute(update(ScheduledJob).where(ScheduledJob.name == JOB_NAME).values(last_run_at=now))
                session.commit()
            return ScheduledOutcome(True, "gedraaid", report)


async def retention_loop(run: Callable[[], object], interval_seconds: float, first_delay: float) -> None:
    """Call `run` (in a thread) after `first_delay`, then every `interval_seconds`, until cancelled."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            await asyncio.to_thread(run)
        except Exception as error:  # a failed run must not stop the next ones; the type only, never its text
            log_event("ED-5003", error=type(error).__name__)
        await asyncio.sleep(interval_seconds)


def start_retention(settings: Settings, engine: Engine, tracker_store: RasaTrackerStore) -> asyncio.Task[None] | None:
    """Start the retention job on the running event loop (None when RETENTION_INTERVAL_SECONDS is 0)."""
    interval = settings.retention_interval_seconds
    if interval <= 0:
        return None
    policy = RetentionPolicy.from_settings(settings)

    def run() -> ScheduledOutcome:
        return run_scheduled(engine, tracker_store, policy, interval_seconds=interval)

    return asyncio.create_task(retention_loop(run, interval, min(FIRST_RUN_DELAY_SECONDS, interval)), name="retention")


async def stop_retention(task: asyncio.Task[None] | None) -> None:
    """Cancel the retention job (a run in progress finishes in its thread)."""
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
