"""invoice reminders, invoice settings and the school's address

Revision ID: 0010
Revises: 0018
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("address_street", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("address_postcode", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("address_city", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("invoice_reminders", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column(
                "invoice_reminder_days_before", sa.Integer(), nullable=False, server_default="3"
            )
        )
        batch.add_column(
            sa.Column(
                "invoice_partial_payments", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "invoice_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_reminders_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_reminders")),
        sa.UniqueConstraint(
            "invoice_id", "stage", name=op.f("uq_invoice_reminders_invoice_id_stage")
        ),
    )


def downgrade() -> None:
    op.drop_table("invoice_reminders")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("invoice_partial_payments")
        batch.drop_column("invoice_reminder_days_before")
        batch.drop_column("invoice_reminders")
        batch.drop_column("address_city")
        batch.drop_column("address_postcode")
        batch.drop_column("address_street")
