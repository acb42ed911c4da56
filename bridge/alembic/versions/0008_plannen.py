"""Mijn plan (issue 15): plannen (capability link stored hashed) and plan_versies.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plannen",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("token_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_bekeken_versie", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_plannen_token_hash"),
    )
    op.create_index("ix_plannen_conversation_id", "plannen", ["conversation_id"], unique=True)
    op.create_table(
        "plan_versies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("plannen.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nummer", sa.Integer(), nullable=False),
        sa.Column("inhoud", sa.JSON(), nullable=False),
        sa.Column("wijzigingen", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("plan_id", "nummer", name="uq_plan_versies_nummer"),
    )
    op.create_index("ix_plan_versies_plan_id", "plan_versies", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_versies_plan_id", table_name="plan_versies")
    op.drop_table("plan_versies")
    op.drop_index("ix_plannen_conversation_id", table_name="plannen")
    op.drop_table("plannen")
