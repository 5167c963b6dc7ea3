"""Credit notes: part or whole; what was paid beyond the new total goes back to the wallet."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.paying import pay_invoice
from services.billing.status import InvoiceStatus, status_of
from services.billing.views import LineInput
from services.common.errors import DomainError
from services.sql.uow import Transactions
from tests.factories import actor_for, make_family, make_school, make_user, pk, wallets_of


async def test_crediting_below_what_was_paid_refunds_the_wallet(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    view = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            "Classe verte",
            [LineInput("Séjour", 1, 10_000)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    await tx.run(
        lambda uow: pay_invoice(uow, view.id, 8000, InvoicePaymentMethod.ONLINE, source_ref="o")
    )
    part = await tx.run(lambda uow: credit_invoice(uow, staff, view.id, 5000, "Séjour écourté"))
    assert (part.paid_cents, part.credited_cents, part.due_cents) == (5000, 5000, 0)
    first, _ = await wallets_of(tx, family.child)
    assert first.balance_cents == 3000

    whole = await tx.run(lambda uow: credit_invoice(uow, staff, view.id, 5000, "Annulé"))
    assert (whole.paid_cents, whole.credited_cents) == (0, 10_000)
    first, _ = await wallets_of(tx, family.child)
    assert first.balance_cents == 8000
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert status_of(whole, now, ZoneInfo("Europe/Brussels")) == InvoiceStatus.CREDITED

    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: credit_invoice(uow, staff, view.id, 1, "Encore"))
    assert refused.value.code.value == "INVALID_AMOUNT"
    with pytest.raises(DomainError) as forbidden:
        await tx.run(lambda uow: credit_invoice(uow, actor_for(family.parent), view.id, 1, "Moi"))
    assert forbidden.value.code.value == "FORBIDDEN"
