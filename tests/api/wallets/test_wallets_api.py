"""Wallets, transfers and staff money operations through the public API."""

from models.accounts import Role
from services.sql.uow import Transactions
from services.wallets.communication import WALLET, communication_for
from tests.api.wallets.queries import (
    TRANSFER,
    WALLET_FIELDS,
    balances,
    child_wallets,
    gid,
)
from tests.factories import fund, make_family, make_school, make_user, wallets_of
from tests.support.graphql import GraphQL, error_codes

ADJUST = """
mutation($wallet: ID!, $cents: Int!, $reason: String!, $key: String!) {
  adjustWallet(walletId: $wallet, amountCents: $cents, reason: $reason, idempotencyKey: $key) {
    operation { type method amount { cents } balanceAfter { cents } label } wallet { balance { cents } }
    errors { code field }
  }
}"""
BANK_TRANSFER = """
mutation($c: String!, $cents: Int!, $ref: String!, $d: Date!) {
  recordBankTransfer(communication: $c, amountCents: $cents, bankReference: $ref, valueDate: $d) {
    operation { type method amount { cents } wallet { id } } errors { code field }
  }
}"""


async def test_a_parent_sees_each_wallet_with_balance_and_communication(
    gql: GraphQL, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 1234)

    found = await child_wallets(gql.as_(family.parent.token), family.child.id)

    assert found == [
        {
            "id": gid("Wallet", meals.id),
            "name": "Repas",
            "balance": {"cents": 0, "currency": "EUR"},
            "structuredCommunication": meals.structured_communication,
        },
        {
            "id": gid("Wallet", activities.id),
            "name": "Activités",
            "balance": {"cents": 1234, "currency": "EUR"},
            "structuredCommunication": activities.structured_communication,
        },
    ]
    school = await gql.as_(family.parent.token).data(
        "{ viewer { school { bankAccount { iban holder } } } }"
    )
    assert school["viewer"]["school"]["bankAccount"] == {
        "iban": "BE71096123456769",
        "holder": "École ASBL",
    }


async def test_wallets_of_another_family_are_not_found(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    other = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, other.child)
    parent = gql.as_(family.parent.token)
    node = await parent.data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Wallet {{ {WALLET_FIELDS} }} }} }}",
        {"id": gid("Wallet", theirs.id)},
    )
    assert node == {"node": None}
    mine, _ = await wallets_of(tx, family.child)
    node = await parent.data(
        "query($id: ID!) { node(id: $id) { ... on Wallet { name } } }",
        {"id": gid("Wallet", mine.id)},
    )
    assert node == {"node": {"name": "Repas"}}
    body = await gql.execute(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Wallet", mine.id)}
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_transfer_between_a_childs_wallets(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)
    parent = gql.as_(family.parent.token)
    variables = {
        "from": gid("Wallet", activities.id),
        "to": gid("Wallet", meals.id),
        "cents": 750,
        "key": "t-1",
    }

    moved = (await parent.data(TRANSFER, variables))["transferBetweenWallets"]

    assert moved["errors"] == []
    assert (moved["from"]["name"], moved["from"]["balance"]["cents"]) == ("Activités", 1250)
    assert (moved["to"]["name"], moved["to"]["balance"]["cents"]) == ("Repas", 750)
    assert (await parent.data(TRANSFER, variables))["transferBetweenWallets"] == moved
    assert await balances(parent, family.child.id) == [750, 1250]


async def test_transfers_refused_with_the_right_code(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    first, second = family.children
    meals, activities = await wallets_of(tx, first)
    sibling, _ = await wallets_of(tx, second)
    stranger, _ = await wallets_of(tx, (await make_family(tx, school)).child)
    await fund(tx, activities.id, 500)
    parent = gql.as_(family.parent.token)

    async def codes(source: int, target: int | str, cents: int, key: str) -> list[str]:
        target_id = target if isinstance(target, str) else gid("Wallet", target)
        variables = {"from": gid("Wallet", source), "to": target_id, "cents": cents, "key": key}
        return error_codes((await parent.data(TRANSFER, variables))["transferBetweenWallets"])

    assert await codes(activities.id, sibling.id, 100, "a") == ["DIFFERENT_CHILDREN"]
    assert await codes(activities.id, stranger.id, 100, "b") == ["NOT_FOUND"]
    assert await codes(activities.id, "not-an-id", 100, "c") == ["NOT_FOUND"]
    assert await codes(activities.id, meals.id, 0, "d") == ["INVALID_AMOUNT"]
    assert await codes(activities.id, meals.id, -100, "e") == ["INVALID_AMOUNT"]
    assert await codes(activities.id, meals.id, 501, "f") == ["INSUFFICIENT_FUNDS"]
    assert await codes(activities.id, meals.id, 100, "g") == []
    assert await codes(activities.id, meals.id, 200, "g") == ["IDEMPOTENCY_CONFLICT"]
    assert await balances(parent, first.id) == [100, 400]

    english = await make_family(tx, school, locale="en")
    _, theirs = await wallets_of(tx, english.child)
    mine, _ = await wallets_of(tx, english.child)
    refused = (
        await gql.as_(english.parent.token).data(
            TRANSFER,
            {
                "from": gid("Wallet", theirs.id),
                "to": gid("Wallet", mine.id),
                "cents": 1,
                "key": "x",
            },
        )
    )["transferBetweenWallets"]
    assert refused["errors"] == [
        {"code": "INSUFFICIENT_FUNDS", "field": "amountCents", "message": "Insufficient balance."}
    ]


async def test_a_school_without_internal_transfers(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx, feature_internal_transfer=False))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 500)
    payload = (
        await gql.as_(family.parent.token).data(
            TRANSFER,
            {
                "from": gid("Wallet", activities.id),
                "to": gid("Wallet", meals.id),
                "cents": 100,
                "key": "k",
            },
        )
    )["transferBetweenWallets"]
    assert error_codes(payload) == ["FEATURE_DISABLED"]


async def test_staff_adjust_a_balance_with_a_reason(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    wallet = gid("Wallet", meals.id)

    up = (
        await staff.data(
            ADJUST, {"wallet": wallet, "cents": 300, "reason": "Geste commercial", "key": "a1"}
        )
    )["adjustWallet"]
    assert up["operation"] == {
        "type": "ADJUSTMENT",
        "method": "INTERNAL",
        "amount": {"cents": 300},
        "balanceAfter": {"cents": 300},
        "label": "Geste commercial",
    }
    down = (
        await staff.data(ADJUST, {"wallet": wallet, "cents": -100, "reason": "Erreur", "key": "a2"})
    )["adjustWallet"]
    assert down["wallet"]["balance"]["cents"] == 200
    too_much = (
        await staff.data(ADJUST, {"wallet": wallet, "cents": -201, "reason": "x", "key": "a3"})
    )["adjustWallet"]
    assert error_codes(too_much) == ["INSUFFICIENT_FUNDS"]
    no_reason = (
        await staff.data(ADJUST, {"wallet": wallet, "cents": 1, "reason": " ", "key": "a4"})
    )["adjustWallet"]
    assert no_reason["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    by_parent = (
        await gql.as_(family.parent.token).data(
            ADJUST, {"wallet": wallet, "cents": 1, "reason": "x", "key": "a5"}
        )
    )["adjustWallet"]
    assert error_codes(by_parent) == ["FORBIDDEN"]
    assert await balances(gql.as_(family.parent.token), family.child.id) == [200, 0]


async def test_staff_record_a_bank_transfer_once_per_reference(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    _, activities = await wallets_of(tx, family.child)
    variables = {
        "c": activities.structured_communication,
        "cents": 4000,
        "ref": "CODA-1",
        "d": "2026-10-30",
    }

    first = (await staff.data(BANK_TRANSFER, variables))["recordBankTransfer"]
    again = (await staff.data(BANK_TRANSFER, variables))["recordBankTransfer"]

    assert first == again
    assert first["operation"] == {
        "type": "TOP_UP",
        "method": "BANK_TRANSFER",
        "amount": {"cents": 4000},
        "wallet": {"id": gid("Wallet", activities.id)},
    }
    unknown = {**variables, "c": communication_for(WALLET, 999_999_999), "ref": "CODA-2"}
    refused = (await staff.data(BANK_TRANSFER, unknown))["recordBankTransfer"]
    assert refused["errors"] == [{"code": "NOT_FOUND", "field": "communication"}]
    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 4000]


async def test_settings_and_bank_account_through_the_api(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    updated = await staff.data(
        """mutation { updateWalletSettings(topUpMinCents: 1000, secondWalletName: "Sorties") {
            settings { walletCount walletNames mealWalletSlot topUpMin { cents } topUpMax { cents } }
            errors { code } } }"""
    )
    assert updated["updateWalletSettings"]["settings"] == {
        "walletCount": 2,
        "walletNames": ["Repas", "Sorties"],
        "mealWalletSlot": 1,
        "topUpMin": {"cents": 1000},
        "topUpMax": {"cents": 50000},
    }
    seen = await gql.as_(family.parent.token).data(
        "{ walletSettings { walletNames topUpMin { cents } } }"
    )
    assert seen == {
        "walletSettings": {"walletNames": ["Repas", "Sorties"], "topUpMin": {"cents": 1000}}
    }
    assert [
        w["name"] for w in await child_wallets(gql.as_(family.parent.token), family.child.id)
    ] == [
        "Repas",
        "Sorties",
    ]
    account = await staff.data(
        """mutation { setSchoolBankAccount(iban: "BE68 5390 0754 7034", holder: "École ASBL") {
            school { bankAccount { iban bic holder } } errors { code field } } }"""
    )
    assert account["setSchoolBankAccount"]["school"]["bankAccount"]["iban"] == "BE68539007547034"
    bad = await staff.data(
        """mutation { setSchoolBankAccount(iban: "BE68 5390 0754 7035", holder: "x") { errors { code field } } }"""
    )
    assert bad["setSchoolBankAccount"]["errors"] == [{"code": "INVALID_INPUT", "field": "iban"}]
