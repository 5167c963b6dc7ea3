"""school operations: staff documents (versions, withdrawal), leavers' access and closed wallets

Revision ID: 0017
Revises: 0020
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(
            sa.Column("leaver_access_days", sa.Integer(), nullable=False, server_default="90")
        )
    with op.batch_alter_table("children") as batch:
        batch.add_column(sa.Column("guardians_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("wallets") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_versions_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_document_versions_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint(
            "document_id", "version", name=op.f("uq_document_versions_document_id_version")
        ),
        sa.UniqueConstraint("storage_key", name=op.f("uq_document_versions_storage_key")),
    )
    op.create_index(
        op.f("ix_document_versions_school_id"), "document_versions", ["school_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_versions_school_id"), table_name="document_versions")
    op.drop_table("document_versions")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("version")
    with op.batch_alter_table("wallets") as batch:
        batch.drop_column("closed_at")
    with op.batch_alter_table("children") as batch:
        batch.drop_column("guardians_until")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("leaver_access_days")
