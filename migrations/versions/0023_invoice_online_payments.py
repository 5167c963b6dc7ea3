"""online payments of invoices: top_ups.invoice_id

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("top_ups") as batch:
        batch.add_column(sa.Column("invoice_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_top_ups_invoice_id_invoices"), "invoices", ["invoice_id"], ["id"]
        )
        batch.create_index(batch.f("ix_top_ups_invoice_id"), ["invoice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("top_ups") as batch:
        batch.drop_index(batch.f("ix_top_ups_invoice_id"))
        batch.drop_constraint(batch.f("fk_top_ups_invoice_id_invoices"), type_="foreignkey")
        batch.drop_column("invoice_id")
