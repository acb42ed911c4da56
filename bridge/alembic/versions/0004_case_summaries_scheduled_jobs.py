"""case summaries (what stays of a closed case after erasure) and scheduled jobs (retention lock)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:50:47.317594
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_summaries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("queue", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reden", sa.String(length=30), nullable=False),
        sa.Column("intake", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("transferred_from", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summarised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_summaries_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_summaries_queue"), ["queue"], unique=False)

    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("lease_holder", sa.String(length=100), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_jobs")
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_summaries_queue"))
        batch_op.drop_index(batch_op.f("ix_case_summaries_closed_at"))

    op.drop_table("case_summaries")
