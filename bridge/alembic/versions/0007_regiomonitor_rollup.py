"""Regiomonitor: daily roll-up of counts that outlives the transcripts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_daily_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("arbeidsmarktregio", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_monitor_daily_counts_slice",
        "monitor_daily_counts",
        ["arbeidsmarktregio", "organisation", "channel", "day"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        # Most rows hold "*" in some dimension, so without this the planner multiplies three common values,
        # expects millions of rows for the "all" slice and scans the whole table (measured: 2.5 s for a year).
        op.execute(
            "CREATE STATISTICS monitor_daily_counts_slice_stats (mcv) "
            "ON arbeidsmarktregio, organisation, channel FROM monitor_daily_counts"
        )
    op.create_table(
        "monitor_rollup_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("monitor_rollup_days")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS monitor_daily_counts_slice_stats")
    op.drop_index("ix_monitor_daily_counts_slice", table_name="monitor_daily_counts")
    op.drop_table("monitor_daily_counts")
