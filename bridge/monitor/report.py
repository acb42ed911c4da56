"""The monitor's figures for one period and filter, read from the roll-up and suppressed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bridge.knowledge.dates import is_ended
from bridge.knowledge.loader import KnowledgeBase
from bridge.models import MonitorDailyCount
from bridge.models.monitor import ALL
from bridge.monitor.suppression import Shown, shown_rate, suppress
from bridge.monitor.vocabulary import CLOSE_BUCKETS, MEASURES, WAIT_BUCKETS, key_label

TREND_SERIES = (
    ("gesprekken", "Gesprekken"),
    ("intake_afgerond", "Intake afgerond"),
    ("overdrachten", "Overdrachten"),
    ("doorgezet", "Doorgezet"),
)
DAILY_TRENDS_UP_TO = 31  # longer periods show weeks
NOT_SHOWN = "niet te tonen"  # a rate or time whose parts are too small to show


@dataclass(frozen=True)
class Filters:
    """What the figures cover. None means all; "" is a real value (unknown region, no handoff)."""

    start: date
    end: date  # inclusive
    arbeidsmarktregio: str | None = None
    organisation: str | None = None
    channel: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "van": self.start.isoformat(),
            "tot": self.end.isoformat(),
            "arbeidsmarktregio": self.arbeidsmarktregio,
            "organisatie": self.organisation,
            "kanaal": self.channel,
        }


@dataclass
class Row:
    key: str
    label: str
    shown: Shown


@dataclass
class Table:
    measure: str
    title: str
    rows: list[Row]
    total: Shown | None

    def cell(self, key: str) -> Shown:
        return next(row.shown for row in self.rows if row.key == key)


@dataclass
class Trend:
    """Counts per day or per ISO week, each series suppressed against its own total."""

    unit: str  # "dag" | "week"
    periods: list[str]
    series: dict[str, list[Shown]] = field(default_factory=dict)


@dataclass
class Report:
    filters: Filters
    tables: dict[str, Table]
    trend: Trend
    kpis: dict[str, str]


def _slice(query, filters: Filters):  # type: ignore[no-untyped-def]
    """Exactly one slice of the roll-up: a value or "*" per dimension."""

    def pick(value: str | None) -> str:
        return ALL if value is None else value

    return query.where(
        MonitorDailyCount.day >= filters.start,
        MonitorDailyCount.day <= filters.end,
        MonitorDailyCount.arbeidsmarktregio == pick(filters.arbeidsmarktregio),
        MonitorDailyCount.organisation == pick(filters.organisation),
        MonitorDailyCount.channel == pick(filters.channel),
    )


def _totals(session: Session, filters: Filters) -> dict[str, dict[str, int]]:
    query = _slice(select(MonitorDailyCount.measure, MonitorDailyCount.key, func.sum(MonitorDailyCount.count)), filters)
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for measure, key, count in session.execute(query.group_by(MonitorDailyCount.measure, MonitorDailyCount.key)):
        totals[measure][key] = int(count)
    return totals


def make_table(measure: str, counts: dict[str, int], keys: tuple[str, ...] | list[str]) -> Table:
    spec = MEASURES[measure]
    values = [counts.get(key, 0) for key in keys]
    cells, total = suppress(values, with_total=spec.total is not None)
    rows = [Row(key, key_label(measure, key), cell) for key, cell in zip(keys, cells, strict=True)]
    if spec.total is None:  # lists without a total: most seen first
        rows.sort(key=lambda row: (-(counts.get(row.key, 0) if not row.shown.suppressed else 0), row.label))
    return Table(measure, spec.title, rows, total)


def _trend_periods(filters: Filters) -> tuple[str, list[date]]:
    days = (filters.end - filters.start).days + 1
    if days <= DAILY_TRENDS_UP_TO:
        return "dag", [filters.start + timedelta(days=i) for i in range(days)]
    monday = filters.start - timedelta(days=filters.start.weekday())
    return "week", [monday + timedelta(weeks=i) for i in range((filters.end - monday).days // 7 + 1)]


def _trend(session: Session, filters: Filters, hidden: set[str]) -> Trend:
    """`hidden`: series whose total is a suppressed cell elsewhere (their days would give it away)."""
    unit, starts = _trend_periods(filters)
    index = {start: i for i, start in enumerate(starts)}
    measures = ("gesprekken", "intake", "overdracht_reden", "doorgezet")
    query = _slice(
        select(
            MonitorDailyCount.day, MonitorDailyCount.measure, MonitorDailyCount.key, func.sum(MonitorDailyCount.count)
        ),
        filters,
    )
    query = query.where(MonitorDailyCount.measure.in_(measures)).group_by(
        MonitorDailyCount.day, MonitorDailyCount.measure, MonitorDailyCount.key
    )
    raw = {name: [0] * len(starts) for name, _ in TREND_SERIES}
    for day, measure, key, count in session.execute(query):
        i = index[day if unit == "dag" else day - timedelta(days=day.weekday())]
        if measure == "gesprekken":
            raw["gesprekken"][i] += int(count)
        elif measure == "intake" and key == "afgerond":
            raw["intake_afgerond"][i] += int(count)
        elif measure == "overdracht_reden":
            raw["overdrachten"][i] += int(count)
        elif measure == "doorgezet" and key == "ja":
            raw["doorgezet"][i] += int(count)
    labels = [
        s.strftime("%d-%m") if unit == "dag" else f"week {s.isocalendar().week} ({s.strftime('%d-%m')})" for s in starts
    ]
    trend = Trend(unit, labels)
    for name, _ in TREND_SERIES:
        cells = suppress(raw[name], with_total=True)[0]
        trend.series[name] = [Shown(None)] * len(cells) if name in hidden else cells
    return trend


def percentile_bucket(
    table: Table, counts: dict[str, int], buckets: tuple[tuple[int | None, str], ...], share: float
) -> str | None:
    """The bucket that holds the `share` percentile of the timed cases, when at least 5 were timed and the
    bucket itself is not a small cell."""
    keys = [key for _, key in buckets]
    timed = sum(counts.get(key, 0) for key in keys)
    if timed < 5 or table.total is None or table.total.suppressed:
        return None
    rank, seen = share * timed, 0
    for key in keys:
        seen += counts.get(key, 0)
        if seen >= rank:
            # Naming a bucket that holds fewer than 5 cases would tell something about those few.
            cell = table.cell(key)
            return None if cell.suppressed and cell.small else key_label(table.measure, key)
    return None


def build_report(session: Session, kb: KnowledgeBase, filters: Filters) -> Report:
    """Every table, the trend and the key figures of one period and filter."""
    if session.get_bind().dialect.name == "postgresql":
        # Small index reads; PostgreSQL's JIT would spend longer compiling than the query takes.
        session.execute(text("SET LOCAL jit = off"))
    totals = _totals(session, filters)
    tables: dict[str, Table] = {}
    for name, spec in MEASURES.items():
        if name == "gesprekken":
            continue
        keys: tuple[str, ...] | list[str] = spec.keys
        if name == "regeling_getoond":
            keys = sorted(kb.regelingen)
        elif name == "beeindigd_gevraagd":
            keys = sorted(set(totals.get(name, {})) | {s for s, r in kb.regelingen.items() if is_ended(r, filters.end)})
        tables[name] = make_table(name, totals.get(name, {}), keys)
    conversations = tables["intake"].total
    assert conversations is not None
    handoffs = tables["overdracht_reden"].total
    assert handoffs is not None
    messages = tables["berichten"]

    def timing(name: str, buckets: tuple[tuple[int | None, str], ...], share: float) -> str:
        return percentile_bucket(tables[name], totals.get(name, {}), buckets, share) or NOT_SHOWN

    kpis = {
        "gesprekken": conversations.text,
        "intake_afgerond": tables["intake"].cell("afgerond").text,
        "overdrachten": handoffs.text,
        "verkeerde_deur": shown_rate(tables["doorgezet"].cell("ja"), handoffs) or NOT_SHOWN,
        "teruggegeven": tables["uitkomst"].cell("terug_naar_bot").text,
        "niet_begrepen": shown_rate(messages.cell("niet_begrepen"), messages.total or Shown(None)) or NOT_SHOWN,
        "wachttijd_p50": timing("wachttijd", WAIT_BUCKETS, 0.5),
        "wachttijd_p90": timing("wachttijd", WAIT_BUCKETS, 0.9),
        "doorlooptijd_p50": timing("doorlooptijd", CLOSE_BUCKETS, 0.5),
        "doorlooptijd_p90": timing("doorlooptijd", CLOSE_BUCKETS, 0.9),
    }
    hidden = {
        name
        for name, cell in (
            ("intake_afgerond", tables["intake"].cell("afgerond")),
            ("doorgezet", tables["doorgezet"].cell("ja")),
        )
        if cell.suppressed
    }
    return Report(filters, tables, _trend(session, filters, hidden), kpis)
