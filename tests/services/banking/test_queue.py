"""The unmatched queue's suggestions, and who handled each line."""

from services.banking import announcements, assigning, queue
from services.banking.importing import ImportResult
from services.demo.statement_files import Movement, coda_file, statement
from services.sql.uow import Transactions
from tests.factories import actor_for
from tests.services.banking.helpers import digits, import_file, setting


async def test_a_line_without_communication_suggests_by_name_and_announcement(
    tx: Transactions,
) -> None:
    s = await setting(tx, families=3)
    named, announcing, _ = s.families
    await tx.run(
        lambda uow: announcements.announce_transfer(
            uow,
            actor_for(announcing.parent),
            wallet_id=s.wallets[1][1].id,
            amount_cents=4321,
            idempotency_key="k",
        )
    )
    bank_name = f"M. {named.parent.user.display_name.upper()}"
    data = coda_file(
        statement(
            Movement(1500, "N1", free_text="cantine", counterparty_name=bank_name),
            Movement(4321, "N2", free_text="voyage", counterparty_name="INCONNU"),
            number=70,
        )
    )
    result = await import_file(tx, s.staff, data)
    assert isinstance(result, ImportResult) and result.unmatched == 2

    lines = await tx.read(lambda session: queue.unmatched_lines(session, actor_for(s.staff)))

    by_amount = {line.amount_cents: line for line in lines}
    assert [(x.wallet.id, x.reason) for x in by_amount[1500].suggestions] == [
        (s.wallets[0][0].id, queue.Reason.NAME)
    ]
    assert [(x.wallet.id, x.reason) for x in by_amount[4321].suggestions] == [
        (s.wallets[1][1].id, queue.Reason.ANNOUNCED)
    ]


async def test_who_returned_a_line_and_why_is_kept(tx: Transactions) -> None:
    s = await setting(tx, families=1)
    data = coda_file(statement(Movement(990, "R1", counterparty_name="X"), number=71))
    assert isinstance(await import_file(tx, s.staff, data), ImportResult)
    staff = actor_for(s.staff)
    [line] = await tx.read(lambda session: queue.unmatched_lines(session, staff))

    returned = await tx.run(
        lambda uow: assigning.return_line(uow, staff, line.id, "  Pas un parent ")
    )

    assert (returned.status, returned.note) == ("RETURNED", "Pas un parent")
    assert returned.handled_by == s.staff.user.display_name and returned.handled_at is not None
    assert await tx.read(lambda session: queue.unmatched_lines(session, staff)) == []


async def test_a_communication_missing_a_digit_suggests_the_wallet(tx: Transactions) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    typed = digits(meals)[:5] + digits(meals)[6:]  # eleven digits: one was left out
    data = coda_file(statement(Movement(2100, "M1", free_text=f"repas {typed}"), number=72))
    assert isinstance(await import_file(tx, s.staff, data), ImportResult)

    lines = await tx.read(lambda session: queue.unmatched_lines(session, actor_for(s.staff)))

    [line] = [x for x in lines if x.amount_cents == 2100]
    assert (meals.id, queue.Reason.CHECK_DIGITS) in [
        (x.wallet.id, x.reason) for x in line.suggestions
    ]
