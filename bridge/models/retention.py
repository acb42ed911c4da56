"""What stays after retention or erasure (case summaries), and the lock row of scheduled jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from bridge.models.base import Base, UtcDateTime, timestamp_column


class CaseSummary(Base):
    """A closed handoff case without its conversation: intake summary and outcome, nothing else.

    No transcript, no free text (notes), no contact details and no link to the conversation.
    The id is the former case id, so the audit log (who saw or did what) still points to it.
    """

    __tablename__ = "case_summaries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    queue: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    reden: Mapped[str] = mapped_column(String(30))
    # Only the fields in bridge.privacy.erasure.SUMMARY_FIELDS (rol, uitkering, gemeente, ...).
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(30))
    transferred_from: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Retention of the summary counts from here (RETENTION_DAYS_CASE_SUMMARY).
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    summarised_at: Mapped[datetime] = timestamp_column()


class ScheduledJob(Base):
    """One row per scheduled job: when it last ran, and a lease so only one runner works at a time.

    On PostgreSQL the runners lock with pg_try_advisory_lock; the lease columns are the lock on
    SQLite, where a row update is atomic. `last_run_at` keeps several bridge workers from running
    the same job once each per interval.
    """

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    lease_holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
