"""A leaver's wallets: refunded to an IBAN or moved to a sibling; the books still balance."""

from typing import Any

from models.accounts import Role
from models.family import Child
from services.sql.uow import Transactions, UnitOfWork
from tests.api.accounts.test_accounts import gid
from tests.factories import fund, make_child, make_family, make_school, make_user, wallets_of
from tests.support.graphql import GraphQL, error_codes
from tests.support.ledger import assert_ledger_balanced

SETTLE = """mutation($c: ID!, $k: String!, $iban: String, $s: ID) {
  settleLeaver(childId: $c, idempotencyKey: $k, iban: $iban, siblingId: $s) {
    movedCents errors { code field } } }"""


async def leave(tx: Transactions, child: Child) -> None:
    async def work(uow: UnitOfWork) -> None:
        row = await uow.session.get(Child, child.id)
        assert row is not None
        row.left_at = uow.now

    await tx.run(work)


async def balances(tx: Transactions, child: Child) -> list[int]:
    return [w.balance_cents for w in await wallets_of(tx, child)]


async def test_refund_to_an_iban_and_move_to_a_sibling(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    sibling = await make_child(tx, school, family.parent)
    stranger = await make_family(tx, school)
    meals, other = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1200)
    await fund(tx, other.id, 300)
    as_staff = gql.as_(staff.token)
    child = gid("Child", family.child.id)
    variables: dict[str, Any] = {"c": child, "k": "leave-1", "iban": "BE71096123456769"}

    not_left = (await as_staff.data(SETTLE, variables))["settleLeaver"]
    assert error_codes(not_left) == ["INVALID_INPUT"]
    await leave(tx, family.child)
    bad_iban = (await as_staff.data(SETTLE, {**variables, "iban": "BE00 1234"}))["settleLeaver"]
    assert [(e["code"], e["field"]) for e in bad_iban["errors"]] == [("INVALID_INPUT", "iban")]
    not_a_sibling = {"c": child, "k": "leave-2", "s": gid("Child", stranger.child.id)}
    refused = (await as_staff.data(SETTLE, not_a_sibling))["settleLeaver"]
    assert error_codes(refused) == ["INVALID_INPUT"]

    moved = (
        await as_staff.data(SETTLE, {"c": child, "k": "leave-3", "s": gid("Child", sibling.id)})
    )["settleLeaver"]
    assert moved == {"movedCents": 1500, "errors": []}
    assert await balances(tx, family.child) == [0, 0]
    assert await balances(tx, sibling) == [1200, 300]
    again = (
        await as_staff.data(SETTLE, {"c": child, "k": "leave-3", "s": gid("Child", sibling.id)})
    )["settleLeaver"]
    assert again == {"movedCents": 1500, "errors": []}
    assert await balances(tx, sibling) == [1200, 300]
    await assert_ledger_balanced(tx)

    # The sibling leaves too: its money goes back to the family's bank account.
    await leave(tx, sibling)
    refund = {"c": gid("Child", sibling.id), "k": "leave-4", "iban": "BE71 0961 2345 6769"}
    assert (await as_staff.data(SETTLE, refund))["settleLeaver"]["movedCents"] == 1500
    assert await balances(tx, sibling) == [0, 0]
    conflict = await as_staff.data(SETTLE, {**refund, "iban": "NL91ABNA0417164300"})
    assert error_codes(conflict["settleLeaver"]) == ["IDEMPOTENCY_CONFLICT"]
    await assert_ledger_balanced(tx)

    by_parent = await gql.as_(family.parent.token).data(SETTLE, {**refund, "k": "p"})
    assert error_codes(by_parent["settleLeaver"]) == ["FORBIDDEN"]
    outsider = await make_user(tx, await make_school(tx), Role.STAFF)
    by_outsider = await gql.as_(outsider.token).data(SETTLE, {**refund, "k": "o"})
    assert error_codes(by_outsider["settleLeaver"]) == ["NOT_FOUND"]
