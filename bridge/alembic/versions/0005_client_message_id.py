"""client message id on messages: a retried message is stored once per conversation

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a constraint to an existing table in place
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_messages_client_message_id", ["conversation_id", "client_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_messages_client_message_id", type_="unique")
        batch_op.drop_column("client_message_id")
