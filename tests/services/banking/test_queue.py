"""The unmatched queue's suggestions, and who handled each line."""

from datetime import date

from services.banking import announcements, assigning, queue
from services.banking.importing import ImportResult
from services.billing import issuing
from services.billing.publishing import publish_invoices
from services.billing.views import LineInput
from services.demo.statement_files import Movement, coda_file, statement
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage
from tests.factories import actor_for
from tests.services.banking.helpers import digits, import_file, setting


def _meant(suggestion: queue.Suggestion) -> tuple[str, int, str]:
    """What a suggestion names: ("wallet", id, reason) or ("invoice", id, reason)."""
    if suggestion.invoice is not None:
        return ("invoice", suggestion.invoice.id, suggestion.reason)
    assert suggestion.wallet is not None
    return ("wallet", suggestion.wallet.id, suggestion.reason)


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
    assert [_meant(x) for x in by_amount[1500].suggestions] == [
        ("wallet", s.wallets[0][0].id, queue.Reason.NAME)
    ]
    assert [_meant(x) for x in by_amount[4321].suggestions] == [
        ("wallet", s.wallets[1][1].id, queue.Reason.ANNOUNCED)
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
    assert ("wallet", meals.id, queue.Reason.CHECK_DIGITS) in [_meant(x) for x in line.suggestions]


async def test_a_line_that_likely_meant_an_invoice_suggests_it(
    tx: Transactions, settings: Settings
) -> None:
    s = await setting(tx, families=2)
    staff = actor_for(s.staff)
    family = s.families[0]
    child_id = family.child.id
    assert child_id is not None
    invoice = await tx.run(
        lambda uow: issuing.issue_invoice(
            uow,
            staff,
            child_id,
            "Classe de neige",
            [LineInput("Séjour", 1, 12_000)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    await publish_invoices(tx, LocalStorage(settings.documents_dir), [invoice.id])
    right = "".join(c for c in invoice.communication if c.isdigit())
    wrong = right[:4] + str((int(right[4]) + 1) % 10) + right[5:]  # one digit mistyped
    bank_name = family.parent.user.display_name.upper()
    data = coda_file(
        statement(
            Movement(3300, "I1", free_text=f"+++{wrong[:3]}/{wrong[3:7]}/{wrong[7:]}+++"),
            Movement(12_000, "I2", free_text="classe de neige", counterparty_name=bank_name),
            Movement(5000, "I3", free_text="classe de neige", counterparty_name=bank_name),
            number=73,
        )
    )
    assert isinstance(await import_file(tx, s.staff, data), ImportResult)

    lines = await tx.read(lambda session: queue.unmatched_lines(session, staff))

    by_amount = {line.amount_cents: [_meant(x) for x in line.suggestions] for line in lines}
    # The mistyped digit: the invoice, never a wallet that happens to share its number.
    assert by_amount[3300] == [("invoice", invoice.id, queue.Reason.CHECK_DIGITS)]
    # A guardian sends the invoice's due: the child's first wallet and the invoice.
    first_wallet = s.wallets[0][0].id
    assert by_amount[12_000] == [
        ("wallet", first_wallet, queue.Reason.NAME),
        ("invoice", invoice.id, queue.Reason.NAME),
    ]
    # Another amount from the same guardian: only the wallet.
    assert by_amount[5000] == [("wallet", first_wallet, queue.Reason.NAME)]
