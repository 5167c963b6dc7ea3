"""TOTP secrets encrypted at rest; data exports built in the background

Revision ID: 0020
Revises: 0023
Create Date: 2026-12-04 22:00:00

Existing secrets are encrypted with the first of TOTP_ENCRYPTION_KEYS (the environment's, as
`python -m cli migrate` reads it) and the clear column is dropped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet

from settings import DEFAULT_TOTP_ENCRYPTION_KEY, Settings

revision: str = "0020"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _cipher() -> MultiFernet:
    settings = Settings()
    if settings.production and DEFAULT_TOTP_ENCRYPTION_KEY in settings.totp_key_list:
        # Encrypting with the public development key would protect nothing, and the server
        # (which refuses that key in production) could then read none of them.
        raise RuntimeError("set TOTP_ENCRYPTION_KEYS before migrating a production database")
    return MultiFernet([Fernet(key) for key in settings.totp_key_list])


def upgrade() -> None:
    with op.batch_alter_table("totp_credentials") as batch:
        batch.add_column(sa.Column("secret_sealed", sa.String(length=255), nullable=True))
    connection = op.get_bind()
    credentials = sa.table(
        "totp_credentials",
        sa.column("user_id", sa.Integer()),
        sa.column("secret", sa.String()),
        sa.column("secret_sealed", sa.String()),
    )
    rows = connection.execute(sa.select(credentials.c.user_id, credentials.c.secret)).all()
    if rows:
        cipher = _cipher()
        for user_id, secret in rows:
            connection.execute(
                credentials.update()
                .where(credentials.c.user_id == user_id)
                .values(secret_sealed=cipher.encrypt(secret.encode()).decode())
            )
    with op.batch_alter_table("totp_credentials") as batch:
        batch.alter_column("secret_sealed", existing_type=sa.String(length=255), nullable=False)
        batch.drop_column("secret")

    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_data_exports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    op.create_index(op.f("ix_data_exports_user_id"), "data_exports", ["user_id"], unique=False)
    op.create_index(op.f("ix_data_exports_status"), "data_exports", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_data_exports_status"), table_name="data_exports")
    op.drop_index(op.f("ix_data_exports_user_id"), table_name="data_exports")
    op.drop_table("data_exports")

    with op.batch_alter_table("totp_credentials") as batch:
        batch.add_column(sa.Column("secret", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    credentials = sa.table(
        "totp_credentials",
        sa.column("user_id", sa.Integer()),
        sa.column("secret", sa.String()),
        sa.column("secret_sealed", sa.String()),
    )
    rows = connection.execute(sa.select(credentials.c.user_id, credentials.c.secret_sealed)).all()
    if rows:
        cipher = _cipher()
        for user_id, sealed in rows:
            connection.execute(
                credentials.update()
                .where(credentials.c.user_id == user_id)
                .values(secret=cipher.decrypt(sealed.encode()).decode())
            )
    with op.batch_alter_table("totp_credentials") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=64), nullable=False)
        batch.drop_column("secret_sealed")
