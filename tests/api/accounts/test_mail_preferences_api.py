"""Mail preferences: a parent turns a kind of mail off and stops getting it; the legally needed
kinds cannot be turned off."""

from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import fund, make_family, make_school, wallets_of
from tests.services.wallets.test_ledger import meal
from tests.support.graphql import GraphQL, error_codes
from tests.support.mail import mails_to

SET = """mutation($kind: String!, $on: Boolean!) { setMailPreference(kind: $kind, enabled: $on) {
  preferences { kind enabled required } errors { code field } } }"""


async def test_a_parent_who_turned_low_balance_mail_off_gets_none(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    parent = gql.as_(family.parent.token)

    done = await parent.data(SET, {"kind": "low_balance", "on": False})
    await tx.run(meal(meals.id, 900))

    assert {"kind": "low_balance", "enabled": False, "required": False} in done[
        "setMailPreference"
    ]["preferences"]
    assert await mails_to(runtime, family.parent.user.email) == []
    listed = await parent.data("{ mailPreferences { kind enabled required } }")
    assert {"kind": "password_reset", "enabled": True, "required": True} in listed[
        "mailPreferences"
    ]


async def test_password_reset_mail_cannot_be_turned_off(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    refused = await gql.as_(family.parent.token).data(SET, {"kind": "password_reset", "on": False})
    assert error_codes(refused["setMailPreference"]) == ["INVALID_INPUT"]
