"""The connector's tables: chats, handled updates, shared values (and the state of older connectors).

Revision ID: 0001
Revises:
Create Date: 2026-12-07

Before migrations the connector created these tables itself (create_all): where they exist
already, they are left as they are. A connector file from before issue #10 (tables `chats`,
`handled_updates`, `meta` in var/telegram.db) is taken over once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "telegram_chats" not in existing:
        op.create_table(
            "telegram_chats",
            sa.Column("chat_key", sa.String(40), primary_key=True),
            sa.Column("chat_id", sa.BigInteger(), nullable=False),
            sa.Column("conversation_id", sa.String(64), nullable=False, unique=True),
            sa.Column("last_delivered", sa.BigInteger(), nullable=False, server_default="0"),
            sa.Column("wanted", sa.BigInteger(), nullable=False, server_default="0"),
            sa.Column("turn_owner", sa.String(64), nullable=True),
            sa.Column("turn_until", sa.Float(), nullable=True),
        )
    if "telegram_updates" not in existing:
        op.create_table(
            "telegram_updates", sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False)
        )
    if "telegram_meta" not in existing:
        op.create_table(
            "telegram_meta",
            sa.Column("key", sa.String(64), primary_key=True),
            sa.Column("value", sa.String(200), nullable=False),
        )
    if op.get_bind().dialect.name == "sqlite":
        _take_over_legacy_tables(existing)


def _take_over_legacy_tables(existing: set[str]) -> None:
    if not {"chats", "handled_updates"} <= existing:
        return  # not the old connector's file: leave whatever is there alone
    op.execute(
        "INSERT OR IGNORE INTO telegram_chats(chat_key, chat_id, conversation_id, last_delivered, wanted) "
        "SELECT chat_key, chat_id, conversation_id, last_delivered, last_delivered FROM chats"
    )
    op.execute("INSERT OR IGNORE INTO telegram_updates(update_id) SELECT update_id FROM handled_updates")
    legacy = ["chats", "handled_updates"]
    if "meta" in existing:
        op.execute("INSERT OR IGNORE INTO telegram_meta(key, value) SELECT key, value FROM meta")
        legacy.append("meta")
    for table in legacy:
        op.drop_table(table)


def downgrade() -> None:
    op.drop_table("telegram_meta")
    op.drop_table("telegram_updates")
    op.drop_table("telegram_chats")
