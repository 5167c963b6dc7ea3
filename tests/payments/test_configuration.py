"""Which payment provider runs: the sandbox in development, never silently in production."""

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from models.db import open_database
from payments.registry import build_payments
from settings import ConfigurationError, Settings

PRODUCTION: dict[str, Any] = {
    "cartable_env": "production",
    "secret_key": "p" * 40,
    "totp_encryption_keys": Fernet.generate_key().decode(),
}


def test_development_pays_with_the_sandbox(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    payments = build_payments(settings, open_database(settings.database_url))
    assert payments.default is not None and payments.default.name == "sandbox"
    assert [route.path for route in payments.routes] == ["/sandbox-psp/checkout/{token}"]  # type: ignore[attr-defined]
    assert payments.webhook_url("sandbox") == "http://127.0.0.1:8000/payments/webhooks/sandbox"


def test_production_has_no_sandbox_unless_asked_and_then_refuses(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", **PRODUCTION)
    settings.check()
    payments = build_payments(settings, open_database(settings.database_url))
    assert payments.default is None and payments.routes == [] and payments.providers == {}
    with pytest.raises(ConfigurationError, match="sandbox"):
        Settings(payment_provider="sandbox", **PRODUCTION).check()
