"""Alembic environment of the Telegram connector's own tables (`telegram_*`).

Its own chain, apart from the bridge's: the state lives in its own SQLite file by default and only
shares the bridge's PostgreSQL database in the production profile. Its version table is
`telegram_alembic_version`, so the two chains never touch each other's tables there.
"""

from __future__ import annotations

from alembic import context

from connectors.telegram.store import metadata

VERSION_TABLE = "telegram_alembic_version"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Only the connector's tables: the bridge's tables in a shared database are not ours."""
    return type_ != "table" or (name is not None and name.startswith("telegram_"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
