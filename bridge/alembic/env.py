"""Alembic environment: migrates the database named by the bridge settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from bridge.core.config import get_settings
from bridge.core.db import make_engine
from bridge.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the Telegram connector's own `telegram_*` tables (and its version table) alone: its own
    migrations (connectors/telegram/migrations) create them in the bridge's database in production,
    so autogenerate never proposes to drop them."""
    return not (type_ == "table" and name is not None and name.startswith("telegram_"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()  # leave no pooled connection behind (tests migrate many databases)
