"""TOTP secrets are encrypted at rest: the table never holds the base32 secret, codes still sign
in, and a key that was replaced (not rotated) gives a clear error, never a 500. Rotation keeps
everyone signed in."""

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from models.accounts import Role
from models.totp import TotpCredential
from services.accounts.totp_secrets import rotate_all
from services.sql.uow import Transactions
from settings import ConfigurationError, Settings
from tests.api.accounts.test_totp import COMPLETE, code_at, enrol, fresh_step, password_step
from tests.factories import make_school, make_user
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes


@pytest.fixture
def keys(settings: Settings) -> Iterator[Settings]:
    """The app's own settings, whose keys a test changes (and gets back afterwards)."""
    before = settings.totp_encryption_keys
    yield settings
    settings.totp_encryption_keys = before


async def stored_row(tx: Transactions, user_id: int) -> dict[str, Any]:
    async def read(session: Any) -> dict[str, Any]:
        table = TotpCredential.__table__  # type: ignore[attr-defined]
        row = (await session.execute(select(table).where(table.c.user_id == user_id))).one()
        return dict(row._mapping)

    return await tx.read(read)


async def sign_in(gql: GraphQL, username: str, code: str) -> dict[str, Any]:
    ticket = (await password_step(gql, username))["ticket"]
    answer: dict[str, Any] = (await gql.data(COMPLETE, {"t": ticket, "c": code}))["completeLogin"]
    return answer


async def test_the_table_never_holds_the_secret_and_codes_still_sign_in(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    secret, _ = await enrol(gql, clock, staff.token)
    row = await stored_row(tx, staff.id)
    assert "secret" not in row
    for value in row.values():
        assert secret not in str(value) and secret.lower() not in str(value).lower()
    assert row["secret_sealed"].startswith("gAAAAA")  # a Fernet token
    clock.advance(seconds=30)
    done = await sign_in(gql, staff.user.username, code_at(secret, clock))
    assert done["errors"] == [] and done["token"]


async def test_a_replaced_key_is_a_clear_error_and_a_rotated_one_is_not(
    gql: GraphQL, tx: Transactions, clock: FakeClock, keys: Settings
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    teacher = await make_user(tx, school, Role.TEACHER)
    secret, _ = await enrol(gql, clock, teacher.token)
    old = keys.totp_encryption_keys
    new = Fernet.generate_key().decode()

    # Replaced: no key opens the stored secret.
    keys.totp_encryption_keys = new
    clock.advance(seconds=30)
    refused = await sign_in(gql, teacher.user.username, code_at(secret, clock))
    assert refused["token"] is None
    assert error_codes(refused) == ["SECOND_FACTOR_UNAVAILABLE"]
    assert "clé de chiffrement" in refused["errors"][0]["message"]  # French by default
    off = await gql.as_(teacher.token).data(
        "mutation($c: String!) { disableTotp(code: $c) { disabled errors { code } } }",
        {"c": code_at(secret, clock)},
    )
    assert error_codes(off["disableTotp"]) == ["SECOND_FACTOR_UNAVAILABLE"]

    # Rotated: the new key first, the old one still listed; then re-encrypted, old key gone.
    keys.totp_encryption_keys = f"{new},{old}"
    clock.advance(seconds=30)
    assert (await sign_in(gql, teacher.user.username, code_at(secret, clock)))["token"]
    done, unreadable = await tx.run(lambda uow: rotate_all(uow.session, keys))
    assert done >= 1 and unreadable == []
    keys.totp_encryption_keys = new
    clock.advance(seconds=30)
    assert (await sign_in(gql, teacher.user.username, code_at(secret, clock)))["token"]


def test_production_refuses_to_start_without_a_key_of_its_own() -> None:
    def production(keys: str | None = None) -> Settings:
        made = Settings(cartable_env="production", secret_key="s" * 40)
        if keys is not None:
            made.totp_encryption_keys = keys
        return made

    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEYS must be set"):
        production().check()
    with pytest.raises(ConfigurationError, match="not a Fernet key"):
        production("not-a-key").check()
    production(Fernet.generate_key().decode()).check()
