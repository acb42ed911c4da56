"""The daily roll-up: counts per day, region, organisation and channel, written before retention deletes.

A day (Dutch calendar day) is counted the first time the job runs after it ended, counted again once a
day while its conversations are all still there (so later claims and outcomes arrive), and counted a
last time, then frozen, in the run whose retention may delete its first conversation. Conversations a
person erased before that last count are not in it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from bridge.knowledge.loader import KnowledgeBase, get_knowledge_base
from bridge.models import Conversation, MonitorDailyCount, MonitorRollupDay
from bridge.models.monitor import ALL
from bridge.monitor.facts import day_facts
from bridge.privacy.tracker_store import RasaTrackerStore

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REFRESH = timedelta(hours=20)  # a not-yet-final day is counted again at most about once a day


def local_day(moment: datetime) -> date:
    """The Dutch calendar day of an aware moment."""
    return moment.astimezone(AMSTERDAM).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Dutch day, in UTC."""
    start = datetime.combine(day, time(), AMSTERDAM)
    end = datetime.combine(day + timedelta(days=1), time(), AMSTERDAM)
    return start.astimezone(UTC), end.astimezone(UTC)


def with_totals(counts: Counter[tuple[str, str, str, str, str]]) -> Counter[tuple[str, str, str, str, str]]:
    """Every count also under "*" for each dimension, so one filter reads one slice."""
    cube: Counter[tuple[str, str, str, str, str]] = Counter()
    for (regio, organisation, channel, measure, key), count in counts.items():
        for r, o, c in product((regio, ALL), (organisation, ALL), (channel, ALL)):
            cube[(r, o, c, measure, key)] += count
    return cube


def write_day(
    session: Session, day: date, counts: Counter[tuple[str, str, str, str, str]], *, now: datetime, final: bool
) -> None:
    """Replace the day's rows (the caller commits)."""
    session.execute(delete(MonitorDailyCount).where(MonitorDailyCount.day == day))
    rows = [
        {"day": day, "arbeidsmarktregio": r, "organisation": o, "channel": c, "measure": m, "key": k, "count": n}
        for (r, o, c, m, k), n in with_totals(counts).items()
    ]
    if rows:
        session.execute(insert(MonitorDailyCount), rows)  # a plain executemany
    marker = session.get(MonitorRollupDay, day)
    if marker is None:
        session.add(MonitorRollupDay(day=day, rolled_at=now, final=final))
    else:
        marker.rolled_at, marker.final = now, final


def roll_up_day(
    session: Session,
    tracker_store: RasaTrackerStore,
    day: date,
    *,
    now: datetime,
    final: bool,
    kb: KnowledgeBase | None = None,
) -> None:
    """Count one day from the stored conversations and write it (the caller commits)."""
    start, end = day_bounds(day)
    facts = day_facts(session, tracker_store, kb or get_knowledge_base(), day, start, end)
    write_day(session, day, facts.counts, now=now, final=final)


def due_days(session: Session, *, now: datetime, cutoff: datetime) -> list[tuple[date, bool]]:
    """(day, final) for every ended day that is new, due for a refresh, or about to lose conversations
    to retention (`cutoff`: conversations idle since before it may be deleted in this run)."""
    oldest = session.scalar(select(func.min(Conversation.created_at)))
    if oldest is None:
        return []
    markers = {m.day: m for m in session.scalars(select(MonitorRollupDay))}
    due: list[tuple[date, bool]] = []
    day, yesterday = local_day(oldest), local_day(now) - timedelta(days=1)
    while day <= yesterday:
        marker = markers.get(day)
        final = day_bounds(day)[0] < cutoff
        if marker is None:
            due.append((day, final))
        elif not marker.final:
            if final or marker.rolled_at < now - REFRESH:
                due.append((day, final))
        day += timedelta(days=1)
    return due


def roll_up_due_days(session: Session, tracker_store: RasaTrackerStore, *, now: datetime, cutoff: datetime) -> int:
    """Count the due days (see `due_days`), committing each; returns how many."""
    due = due_days(session, now=now, cutoff=cutoff)
    for day, final in due:
        roll_up_day(session, tracker_store, day, now=now, final=final)
        session.commit()
    return len(due)
