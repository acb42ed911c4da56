"""callback requests (terugbelverzoeken): contact details given with consent, one per open handoff case

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terugbelverzoeken",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("telefoonnummer", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("dagdeel", sa.String(length=20), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["handoff_cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )


def downgrade() -> None:
    op.drop_table("terugbelverzoeken")
