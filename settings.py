"""Every knob is an environment variable; the defaults serve the embedded (single-process) mode."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
# Development only (the README says so): a Fernet key generated once for this repository, so a
# fresh clone signs in with two-factor codes without configuring anything. Production refuses it.
DEFAULT_TOTP_ENCRYPTION_KEY = "OJn4tKwtG4725Uzg5ysRgBq3E1NmtpgIotOZOqn4SoI="


def utcnow() -> datetime:
    return datetime.now(UTC)


class ConfigurationError(RuntimeError):
    """The server refuses to start with this configuration."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=False)

    database_url: str = "sqlite+aiosqlite:///data/cartable.db"
    broadcast_url: str = "memory://"
    smtp_url: str | None = None  # smtp://user:pass@host:587?starttls=1 | smtps://host:465
    mail_outbox_dir: str = "data/outbox"
    mail_from: str = "Cartable <no-reply@cartable.example>"
    # Unset: the address actually served (http://HOST:PORT), so `make run PORT=8791` sends
    # payers, webhooks and mail links to the port it serves.
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEFAULT_SECRET_KEY
    # TOTP secrets are stored encrypted (Fernet) with these keys, comma-separated: the first
    # encrypts, every one decrypts (rotation: put the new key first, run
    # `python -m cli rotate-totp-secrets`, then drop the old one).
    totp_encryption_keys: str = DEFAULT_TOTP_ENCRYPTION_KEY
    cartable_env: Literal["development", "production"] = "development"
    demo: bool = True
    demo_families: int = 0
    documents_dir: str = "data/documents"
    # The built dashboard (web/, `make run` builds it) served at `/`.
    web_dist_dir: str = "web/dist"
    # uvicorn's worker count when known (WEB_CONCURRENCY is what uvicorn itself reads).
    web_concurrency: int = 1

    # Sessions and one-time tokens.
    session_idle_minutes: int = 60 * 24 * 7
    session_absolute_days: int = 30
    token_valid_days: int = 14
    # argon2id cost (RFC 9106 second recommended option by default).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    # Login throttling: failures allowed before delays start, per account and per address.
    login_free_failures_account: int = 5
    login_free_failures_address: int = 20
    login_failure_window_minutes: int = 24 * 60
    login_max_delay_seconds: int = 15 * 60

    # GraphQL: `fast` serves operations with graphql_runtime's executor and websocket transport,
    # `stock` with strawberry's and graphql-core's own (the reference and the fallback).
    graphql_executor: Literal["fast", "stock"] = "fast"
    # GraphQL limits.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000

    # Websockets.
    ws_max_subscriptions: int = 20
    ws_max_sockets_per_user: int = 20
    ws_init_timeout_seconds: float = 10.0
    ws_ping_interval_seconds: float = 20.0
    allowed_origins: list[str] = Field(default_factory=list)
    subscriber_queue_size: int = 256

    # Mail delivery.
    mail_retry_base_seconds: float = 5.0
    mail_max_attempts: int = 12
    mail_poll_seconds: float = 30.0

    # Idempotency keys older than this are forgotten by `python -m cli sweep-idempotency-keys`.
    idempotency_retention_days: int = 30

    # Documents (stored under DOCUMENTS_DIR): largest accepted file, lifetime of download links.
    documents_max_bytes: int = 20 * 1024 * 1024
    document_link_minutes: int = 10

    # GDPR data exports: a family with more rows than this gets its export built in the
    # background and a link mailed (GET /me/export.json and requestDataExport answer at once
    # otherwise); the link works once, for this long. Files under EXPORTS_DIR (unset: an
    # `exports` directory beside DOCUMENTS_DIR).
    data_export_inline_rows: int = 5000
    data_export_link_hours: int = 24
    # A build that fails is tried again after `retry` seconds, doubling each time, at most
    # `max_attempts` times in all; then the export is FAILED and the parent told by mail. The
    # builder also looks for work every `poll` seconds (exports asked in another process).
    data_export_max_attempts: int = 5
    data_export_retry_seconds: float = 60.0
    data_export_poll_seconds: float = 60.0
    exports_dir: str = ""

    # Money: the online payment provider. Unset: the built-in sandbox in development, none in
    # production (the sandbox accepts payments nobody made). `none` turns online top-ups off.
    payment_provider: Literal["sandbox", "none"] | None = None
    sandbox_webhook_attempts: int = 8
    sandbox_webhook_retry_seconds: float = 2.0
    # Online payments still PENDING this long after they started are asked about at the
    # provider (a webhook may have been lost); the reconciler looks every `poll` seconds.
    reconcile_after_seconds: float = 300.0
    reconcile_poll_seconds: float = 60.0

    # Controllable clock for tests; never read from the environment.
    clock: Callable[[], datetime] = Field(default=utcnow, exclude=True)

    @model_validator(mode="after")
    def _served_address(self) -> "Settings":
        if not self.public_url:
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
            host = f"[{host}]" if ":" in host else host
            self.public_url = f"http://{host}:{self.port}"
        if not self.exports_dir:
            self.exports_dir = str(Path(self.documents_dir).parent / "exports")
        return self

    @property
    def production(self) -> bool:
        return self.cartable_env == "production"

    @property
    def totp_key_list(self) -> list[str]:
        return [k.strip() for k in self.totp_encryption_keys.split(",") if k.strip()]

    def _check_totp_keys(self) -> None:
        from cryptography.fernet import Fernet

        if not self.totp_key_list:
            raise ConfigurationError("TOTP_ENCRYPTION_KEYS is empty")
        for number, key in enumerate(self.totp_key_list, start=1):
            try:
                Fernet(key)
            except ValueError:
                raise ConfigurationError(
                    f"TOTP_ENCRYPTION_KEYS: key {number} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes)"
                ) from None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def active_payment_provider(self) -> str:
        if self.payment_provider is not None:
            return self.payment_provider
        return "none" if self.production else "sandbox"

    def check(self) -> None:
        """Refuse configurations that cannot work or are unsafe."""
        if self.production and self.secret_key == DEFAULT_SECRET_KEY:
            raise ConfigurationError("SECRET_KEY must be set in production")
        if self.production and len(self.secret_key) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")
        if self.production and DEFAULT_TOTP_ENCRYPTION_KEY in self.totp_key_list:
            raise ConfigurationError(
                "TOTP_ENCRYPTION_KEYS must be set in production (a key of your own: "
                'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
            )
        self._check_totp_keys()
        if self.production and self.payment_provider == "sandbox":
            raise ConfigurationError(
                "PAYMENT_PROVIDER=sandbox credits payments nobody made: not in production"
            )
        if self.web_concurrency > 1 and self.broadcast_url.startswith("memory"):
            raise ConfigurationError(
                "BROADCAST_URL=memory:// cannot share events between several workers: "
                "use redis:// or postgresql://"
            )
