"""Money coming in: bank transfers once per bank reference; online payments once per payment."""

import asyncio
from collections import Counter
from datetime import date

import pytest

from models.accounts import Role
from models.family import Child
from models.ledger import OperationType, PaymentMethod
from models.topups import TopUp
from payments.provider import PaymentEvent, PaymentStatus
from payments.registry import Payments
from services.common.errors import DomainError
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets import bank_transfers, topups
from services.wallets.communication import WALLET, communication_for
from services.wallets.views import Posted
from tests.factories import actor_for, make_family, make_school, make_user, wallets_of

VALUE_DATE = date(2026, 10, 30)


async def record(tx: Transactions, staff, communication: str, cents: int, reference: str):
    try:
        return await tx.run(
            lambda uow: bank_transfers.record_bank_transfer(
                uow,
                actor_for(staff),
                communication_text=communication,
                amount_cents=cents,
                bank_reference=reference,
                value_date=VALUE_DATE,
            )
        )
    except DomainError as error:
        return error.code.value


async def test_a_bank_transfer_credits_the_wallet_its_communication_names(
    tx: Transactions,
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    _, activities = await wallets_of(tx, family.child)

    posted = await record(tx, staff, activities.structured_communication, 2500, "REF-1")

    assert isinstance(posted, Posted)
    [operation] = posted.operations
    assert (operation.type, operation.method) == (OperationType.TOP_UP, PaymentMethod.BANK_TRANSFER)
    assert (operation.wallet_id, operation.amount_cents, operation.balance_after_cents) == (
        activities.id,
        2500,
        2500,
    )
    # The statement import sees the same line again: same answer, no second credit.
    assert await record(tx, staff, activities.structured_communication, 2500, "REF-1") == posted
    assert await record(tx, staff, activities.structured_communication, 2600, "REF-1") == (
        "IDEMPOTENCY_CONFLICT"
    )
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 2500]


async def test_unknown_or_malformed_communications_credit_nothing(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    elsewhere = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, elsewhere.child)
    family = await make_family(tx, school)
    mine, _ = await wallets_of(tx, family.child)

    assert await record(tx, staff, theirs.structured_communication, 100, "R-2") == "NOT_FOUND"
    assert await record(tx, staff, communication_for(WALLET, 999_999_999), 100, "R-3") == (
        "NOT_FOUND"
    )
    assert await record(tx, staff, communication_for(2, mine.id), 100, "R-7") == "NOT_FOUND"
    assert await record(tx, staff, "+++100/0000/01228+++", 100, "R-4") == "INVALID_INPUT"
    assert await record(tx, staff, mine.structured_communication, 0, "R-5") == "INVALID_AMOUNT"
    parent = family.parent
    assert await record(tx, parent, mine.structured_communication, 100, "R-6") == "FORBIDDEN"
    assert [w.balance_cents for w in await wallets_of(tx, elsewhere.child)] == [0, 0]
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 0]


async def test_racing_imports_of_one_bank_line_credit_once(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    answers = await asyncio.gather(
        *[record(tx, staff, meals.structured_communication, 1500, "RACE") for _ in range(10)]
    )
    assert len(set(answers)) == 1 and isinstance(answers[0], Posted)
    assert (await wallets_of(tx, family.child))[0].balance_cents == 1500


async def started(tx: Transactions, runtime: Runtime, cents: int = 2000) -> tuple[TopUp, Child]:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    payments: Payments = runtime.payments
    view = await tx.run(
        lambda uow: topups.start_online_top_up(
            uow,
            actor_for(family.parent),
            payments,
            wallet_id=meals.id,
            amount_cents=cents,
            idempotency_key="start",
        )
    )
    row = await tx.read(lambda s: s.get(TopUp, view.id))
    assert row is not None and row.provider_payment_id is not None
    return row, family.child


def event(top_up: TopUp, status: PaymentStatus, cents: int | None = None) -> PaymentEvent:
    assert top_up.provider_payment_id is not None
    return PaymentEvent(
        event_id="evt",
        payment_id=top_up.provider_payment_id,
        status=status,
        amount_cents=top_up.amount_cents if cents is None else cents,
        currency="EUR",
        reference=f"topup:{top_up.id}",
    )


async def settle(
    tx: Transactions, top_up: TopUp, status: PaymentStatus, cents: int | None = None
) -> str:
    outcome = await tx.run(
        lambda uow: topups.settle_payment(uow, "sandbox", event(top_up, status, cents))
    )
    return outcome.value


async def test_a_payment_credits_once_in_any_order_of_its_webhooks(
    tx: Transactions, runtime: Runtime
) -> None:
    top_up, child = await started(tx, runtime)
    assert await settle(tx, top_up, PaymentStatus.PAID, cents=1) == "amount_mismatch"
    assert await settle(tx, top_up, PaymentStatus.PAID) == "credited"
    assert await settle(tx, top_up, PaymentStatus.PAID) == "already_settled"
    assert await settle(tx, top_up, PaymentStatus.FAILED) == "already_settled"
    row = await tx.read(lambda s: s.get(TopUp, top_up.id))
    assert row is not None and row.status == "PAID" and row.transaction_id is not None
    assert (await wallets_of(tx, child))[0].balance_cents == 2000


async def test_a_late_paid_after_failed_still_credits(tx: Transactions, runtime: Runtime) -> None:
    top_up, child = await started(tx, runtime)
    assert await settle(tx, top_up, PaymentStatus.FAILED) == "failed"
    assert (await wallets_of(tx, child))[0].balance_cents == 0
    assert await settle(tx, top_up, PaymentStatus.PAID) == "credited"
    assert (await wallets_of(tx, child))[0].balance_cents == 2000


async def test_racing_deliveries_credit_once(tx: Transactions, runtime: Runtime) -> None:
    top_up, child = await started(tx, runtime)
    outcomes = await asyncio.gather(*[settle(tx, top_up, PaymentStatus.PAID) for _ in range(10)])
    assert Counter(outcomes) == {"credited": 1, "already_settled": 9}
    assert (await wallets_of(tx, child))[0].balance_cents == 2000


async def test_an_unknown_payment_is_ignored(tx: Transactions, runtime: Runtime) -> None:
    top_up, _ = await started(tx, runtime)
    top_up.provider_payment_id = "sbx_nobody"
    assert await settle(tx, top_up, PaymentStatus.PAID) == "unknown_payment"


async def test_no_provider_means_no_online_top_up(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    without = Payments(public_url="http://cartable.test")
    with pytest.raises(DomainError) as refused:
        await tx.run(
            lambda uow: topups.start_online_top_up(
                uow,
                actor_for(family.parent),
                without,
                wallet_id=meals.id,
                amount_cents=1000,
                idempotency_key="k",
            )
        )
    assert refused.value.code.value == "FEATURE_DISABLED"
