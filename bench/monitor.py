"""Regiomonitor at scale: one year at 10,000 conversations a day in the roll-up, then the default view timed.

    PYTHONPATH=. .venvs/app/bin/python -m bench.monitor [--database sqlite|postgresql] [--days 365] [--per-day 10000]

Generates conversations as the roll-up would count them (region, first organisation, channel, intake, mix,
regelingen, cases with reden, outcome, transfer and times), day by day with a fixed seed, writes them with
`bridge.monitor.rollup.write_day` (detail rows plus the "*" slices), then asks the running app for
`/console/monitor` as a beheerder (default view: the last 30 days, everything) and a few other views, 5 times each.
SQLite goes to a temporary file, PostgreSQL to a temporary database on 127.0.0.1:5432 (dropped afterwards).
Not a timed test: the numbers go into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from bridge.core.config import PROJECT_ROOT
from bridge.models import MonitorDailyCount
from bridge.monitor.rollup import write_day
from bridge.monitor.vocabulary import CLOSE_BUCKETS, INTAKE_QUESTIONS, MIX_KEYS, OUTCOMES, REDENEN, WAIT_BUCKETS

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
Facts = Counter[tuple[str, str, str, str, str]]


class Population:
    """Who knocks: regions by weight, each with its organisations; fixed seed."""

    def __init__(self, regios: list[str], seed: int) -> None:
        self.random = random.Random(seed)
        self.regios = regios
        self.regio_weights = [self.random.uniform(0.3, 3.0) for _ in regios]
        self.slugs = sorted(_kb().regelingen)
        self.ended = ["stap-budget", "lkv-oudere-werknemer", "regionaal-mobiliteitsteam", "lage-inkomensvoordeel"]

    def organisation(self, regio: str) -> str:
        roll = self.random.random()
        if roll < 0.75:
            return ""  # no handoff
        if roll < 0.84:
            return "UWV"
        if roll < 0.93:
            return f"Gemeente {regio} {self.random.randint(1, 10)}"  # about 10 gemeenten per region
        if roll < 0.97:
            return f"Werkgeversservicepunt {regio}"
        if roll < 0.99:
            return f"Sociale partners / Leerwerkloket {regio}"
        return "Elke Deur algemeen"

    def day(self, per_day: int) -> Facts:
        """The detail counts of one day: conversations spread over cells, then each measure drawn per cell."""
        r = self.random
        cells: Counter[tuple[str, str, str]] = Counter()
        for regio in r.choices(self.regios, self.regio_weights, k=per_day):
            regio = regio if r.random() > 0.1 else ""
            cells[
                (regio, self.organisation(regio or r.choice(self.regios)), "web" if r.random() < 0.8 else "telegram")
            ] += 1
        facts: Facts = Counter()
        waits = [key for _, key in WAIT_BUCKETS] + ["niet_opgepakt"]
        closes = [key for _, key in CLOSE_BUCKETS]
        for cell, n in cells.items():

            def draw(
                measure: str, keys: list[str] | tuple[str, ...], k: int, weights: list[float] | None = None
            ) -> Counter[str]:
                drawn = Counter(r.choices(keys, weights, k=k))
                for key, count in drawn.items():
                    facts[(*cell, measure, key)] += count  # noqa: B023 (draw is called in this iteration)
                return drawn

            facts[(*cell, "gesprekken", "")] += n
            intake = draw("intake", ["afgerond", *INTAKE_QUESTIONS, "niet_begonnen"], n, [14, 1, 1, 1, 1, 1, 1])
            for name, keys in MIX_KEYS.items():
                draw(name, keys, n)
            draw("regeling_getoond", self.slugs, intake["afgerond"] * 2)  # about two cards per completed intake
            draw("beeindigd_gevraagd", self.ended, sum(r.random() < 0.03 for _ in range(n)))
            messages = sum(r.randint(2, 9) for _ in range(n))
            not_understood = sum(r.random() < 0.3 for _ in range(n))
            facts[(*cell, "berichten", "begrepen")] += messages - not_understood
            facts[(*cell, "berichten", "niet_begrepen")] += not_understood
            if cell[1]:  # handed over: every conversation of this cell has a case
                draw("overdracht_reden", REDENEN, n, [6, 1, 1, 1, 1])
                outcomes = draw("uitkomst", OUTCOMES, n)
                draw("doorgezet", ("ja", "nee"), n, [12, 88])
                draw("wachttijd", waits, n)
                facts[(*cell, "doorlooptijd", "open")] += outcomes["open"]
                draw("doorlooptijd", closes, n - outcomes["open"])
        return Counter({key: count for key, count in facts.items() if count})


def _kb():  # type: ignore[no-untyped-def]
    from bridge.knowledge.loader import get_knowledge_base

    return get_knowledge_base()


def _fresh_database(kind: str, directory: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{directory / 'monitor-bench.db'}", None
    name = f"elkedeur_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def _drop(name: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def generate(database_url: str, days: int, per_day: int, seed: int) -> tuple[int, float]:
    """Fill the roll-up with `days` days ending yesterday; returns (rows, seconds)."""
    from bridge.core.db import get_sessionmaker

    kb = _kb()
    population = Population(sorted(r.naam for r in kb.regios.values()), seed)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    started = time.perf_counter()
    now = datetime.now(UTC)
    with get_sessionmaker()() as session:
        for index in range(days):
            day = yesterday - timedelta(days=days - 1 - index)
            write_day(session, day, population.day(per_day), now=now, final=True)
            session.commit()
            if index % 30 == 29:
                print(f"  {index + 1} dagen geschreven ({time.perf_counter() - started:.0f} s)", flush=True)
        rows = session.scalar(select(func.count()).select_from(MonitorDailyCount)) or 0
        if database_url.startswith("postgresql"):
            session.execute(text("ANALYZE monitor_daily_counts"))
            session.commit()
    return rows, time.perf_counter() - started


def time_views(repeats: int, per_day: int) -> dict[str, list[float]]:
    """Seconds per request for the default view and some others, through the app (in process)."""
    from fastapi.testclient import TestClient

    from bridge.core.db import get_sessionmaker
    from bridge.main import create_app
    from bridge.models import StaffRole
    from bridge.services.staff import create_staff_account

    password = "bench-wachtwoord-lang-genoeg"
    with get_sessionmaker()() as session:
        create_staff_account(
            session,
            organisation="Elke Deur algemeen",
            email="beheer@bench.example",
            password=password,
            display_name="Bench",
            role=StaffRole.BEHEERDER,
        )
        create_staff_account(
            session,
            organisation="Gemeente Flevoland 3",
            email="coord@bench.example",
            password=password,
            display_name="Bench",
            role=StaffRole.COORDINATOR,
        )
    views = {
        "beheerder, standaard (30 dagen, alles) — HTML": ("beheer", "/console/monitor"),
        "beheerder, standaard — JSON-API": ("beheer", "/api/staff/monitor"),
        "beheerder, kwartaal, alles — HTML": ("beheer", "/console/monitor?periode=kwartaal"),
        "beheerder, heel jaar (366 dagen) — HTML": (
            "beheer",
            f"/console/monitor?periode=aangepast&van={date.today() - timedelta(days=366)}"
            f"&tot={date.today() - timedelta(days=1)}",
        ),
        "beheerder, regio + kanaal, 30 dagen — HTML": ("beheer", "/console/monitor?regio=Flevoland&kanaal=web"),
        "beheerder, CSV-export 30 dagen": ("beheer", "/api/staff/monitor/export?formaat=csv"),
        "coördinator, standaard (eigen organisatie) — HTML": ("coord", "/console/monitor"),
    }
    timings: dict[str, list[float]] = {}
    with TestClient(create_app()) as client:
        for who in ("beheer", "coord"):
            client.cookies.clear()
            response = client.post("/api/staff/login", json={"email": f"{who}@bench.example", "password": password})
            assert response.status_code == 200, response.text
            if who == "beheer":  # the default view holds the generated data: 30 days of per_day conversations
                figures = client.get("/api/staff/monitor").json()["kerncijfers"]
                assert figures["gesprekken"] == str(30 * per_day), figures
            for label, (owner, path) in views.items():
                if owner != who:
                    continue
                assert client.get(path).status_code == 200  # warm-up (templates, knowledge base)
                timings[label] = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    response = client.get(path)
                    timings[label].append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text[:300]
    return timings


def time_rollup(directory: Path, per_day: int, seed: int) -> tuple[float, int]:
    """Seconds for the retention job to count one day of `per_day` stored conversations (a quarter with a case,
    about 20 tracker events each) from the bridge database and a SQLite tracker store; returns (seconds, rows)."""
    import json

    from bridge.core.db import get_sessionmaker
    from bridge.models import AuditLog, Conversation, HandoffCase
    from bridge.monitor.rollup import day_bounds, roll_up_day
    from bridge.privacy.tracker_store import EVENTS, RasaTrackerStore

    r = random.Random(seed)
    day = date(2026, 11, 2)
    start = day_bounds(day)[0]
    tracker_url = f"sqlite:///{directory / 'rasa-tracker.db'}"
    tracker_engine = create_engine(tracker_url)
    EVENTS.create(tracker_engine)
    regios = sorted(regio.naam for regio in _kb().regios.values())
    with get_sessionmaker()() as session, tracker_engine.begin() as tracker:
        events: list[dict[str, object]] = []
        for index in range(per_day):
            at = start + timedelta(seconds=index * 86400 / per_day)
            conversation = Conversation(
                id=str(uuid.UUID(int=r.getrandbits(128), version=4)), channel="web", created_at=at, updated_at=at
            )
            session.add(conversation)
            if r.random() < 0.25:
                case = HandoffCase(
                    id=str(uuid.uuid4()),
                    conversation_id=conversation.id,
                    queue="UWV",
                    status="gesloten",
                    reden="gevraagd",
                    intake={"rol": "werkzoekende"},
                    outcome="geholpen",
                    created_at=at,
                    claimed_at=at + timedelta(minutes=9),
                    closed_at=at + timedelta(hours=2),
                )
                session.add(case)
                session.add(AuditLog(action="claim", case_id=case.id, created_at=at + timedelta(minutes=9)))
            t = at.timestamp()

            def event(kind: str, **data: object) -> dict[str, object]:
                return {
                    "sender_id": conversation.id,  # noqa: B023 (event is called in this iteration)
                    "type_name": kind,
                    "timestamp": t,  # noqa: B023
                    "intent_name": data.pop("intent", None),
                    "action_name": data.pop("action", None),
                    "data": json.dumps({"event": kind, **data}),
                }

            events += [event("action", action="intake_form"), event("active_loop", name="intake_form")]
            for slot, value in (
                ("rol", "werkzoekende"),
                ("arbeidsmarktregio", r.choice(regios)),
                ("uitkering", "ww"),
                ("behoefte", "scholing"),
                ("regelingen", ["ontwikkeladvies", "stap-budget"]),
            ):
                events += [
                    event("slot", name="requested_slot", value=slot),
                    event("user", intent="inform"),
                    event("slot", name=slot, value=value),
                ]
            events += [event("action", action="intake_form"), event("active_loop", name=None)]
            if index % 1000 == 999:
                session.commit()
                tracker.execute(EVENTS.insert(), events)
                events = []
        session.commit()
        if events:
            tracker.execute(EVENTS.insert(), events)
    store = RasaTrackerStore(tracker_url)
    started = time.perf_counter()
    with get_sessionmaker()() as session:
        roll_up_day(session, store, day, now=datetime.now(UTC), final=False)
        session.commit()
        seconds = time.perf_counter() - started
        rows = session.scalar(select(func.count()).select_from(MonitorDailyCount)) or 0
    store.close()
    tracker_engine.dispose()
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--rollup-only",
        action="store_true",
        help="only time the retention job counting one day of --per-day stored conversations",
    )
    args = parser.parse_args()
    from alembic import command
    from alembic.config import Config

    from bridge.core import db
    from bridge.core.config import get_settings

    with tempfile.TemporaryDirectory() as directory:
        url, pg_name = _fresh_database(args.database, Path(directory))
        os.environ.update({"DATABASE_URL": url, "RETENTION_INTERVAL_SECONDS": "0", "ENVIRONMENT": "test"})
        for cached in (get_settings, db.get_engine, db.get_sessionmaker):
            cached.cache_clear()
        try:
            config = Config(str(PROJECT_ROOT / "bridge" / "alembic.ini"))
            config.attributes["database_url"] = url
            config.attributes["configure_logger"] = False
            command.upgrade(config, "head")
            if args.rollup_only:
                seconds, rows = time_rollup(Path(directory), args.per_day, args.seed)
                print(f"{args.database}: één dag van {args.per_day} gesprekken tellen: {seconds:.1f} s ({rows} rijen)")
                return
            print(f"{args.database}: {args.days} dagen × {args.per_day} gesprekken genereren …", flush=True)
            rows, seconds = generate(url, args.days, args.per_day, args.seed)
            size = Path(url.removeprefix("sqlite:///")).stat().st_size if pg_name is None else None
            print(f"roll-up: {rows:,} rijen in {seconds:.0f} s" + (f", {size / 2**20:.0f} MiB" if size else ""))
            for label, values in time_views(args.repeats, args.per_day).items():
                print(
                    f"{label}: mediaan {statistics.median(values) * 1000:.0f} ms, "
                    f"max {max(values) * 1000:.0f} ms ({len(values)}×)"
                )
        finally:
            db.get_engine().dispose()
            if pg_name:
                _drop(pg_name)


if __name__ == "__main__":
    main()
