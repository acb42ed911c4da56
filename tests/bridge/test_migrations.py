"""Alembic migrations from an empty database, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bridge.core.config import PROJECT_ROOT
from bridge.core.db import make_engine
from bridge.models import Base

EXPECTED_TABLES = {
    "conversations", "messages", "handoff_cases", "organisations", "staff_accounts", "staff_sessions",
    "login_attempts", "audit_log", "reply_templates", "case_summaries", "scheduled_jobs", "alembic_version",
}


def _config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "bridge" / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(database_url: str) -> None:
    config = _config(database_url)
    command.upgrade(config, "head")
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == EXPECTED_TABLES
            columns = {c["name"] for c in inspect(connection).get_columns("handoff_cases")}
            assert {"claimed_by", "claimed_at", "transferred_from", "queued_at", "outcome_note"} <= columns
            # The migrations produce exactly what the models describe (no forgotten column or index).
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            organisations = {row[0] for row in connection.execute(text("SELECT name FROM organisations"))}
            assert {"UWV", "Gemeente Almere", "Elke Deur algemeen"} <= organisations
        command.downgrade(config, "0001")
        with engine.connect() as connection:
            assert "staff_accounts" not in inspect(connection).get_table_names()
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == EXPECTED_TABLES
    finally:
        engine.dispose()
