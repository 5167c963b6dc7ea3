"""data export attempts: a build that keeps failing is retried a few times, then given up

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-04 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0025"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_exports") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Rows given up on become GONE (the older code knows no FAILED export).
    op.execute("UPDATE data_exports SET status = 'gone' WHERE status = 'failed'")
    with op.batch_alter_table("data_exports") as batch:
        batch.drop_column("retry_at")
        batch.drop_column("attempts")
