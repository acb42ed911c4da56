"""The Regiomonitor's daily roll-up: counts only, written before transcripts are deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bridge.models.base import Base, UtcDateTime

# A dimension value that stands for "all" (the roll-up also stores every coarser combination,
# so any filter reads one slice instead of summing millions of detail rows).
ALL = "*"


class MonitorDailyCount(Base):
    """How many conversations (or cases) of one day had one value of one measure.

    The day is the Dutch calendar day the conversation started. Dimensions are codes or names from
    fixed lists (regio, organisation, channel); `key` is a code (a rol, a regeling slug, a bucket),
    never free text. "" means unknown / none; "*" means all values of that dimension.
    """

    __tablename__ = "monitor_daily_counts"
    __table_args__ = (Index("ix_monitor_daily_counts_slice", "arbeidsmarktregio", "organisation", "channel", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date)
    arbeidsmarktregio: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(Integer)


class MonitorRollupDay(Base):
    """Which days the roll-up holds; a final day is never counted again (its transcripts may be gone)."""

    __tablename__ = "monitor_rollup_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    final: Mapped[bool] = mapped_column(Boolean, default=False)
