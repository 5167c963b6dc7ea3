"""GET /reports/open-invoices.csv: staff download what is still due (OPEN and OVERDUE), for the
school or one class, headed in their language; parents and other schools get nothing."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
import pytest

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from models.family import School
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.paying import pay_invoice
from services.billing.views import InvoiceView, LineInput
from services.sql.uow import Transactions
from tests.api.school.test_reports import get, rows_of
from tests.factories import (
    Family,
    Person,
    actor_for,
    make_family,
    make_school,
    make_user,
    pk,
    set_class,
)
from tests.support.clock import FakeClock

PATH = "/reports/open-invoices.csv"
HEADER_FR = [
    "Numéro",
    "Enfant",
    "Classe",
    "Objet",
    "Date d'émission",
    "Échéance",
    "Total (€)",
    "Payé (€)",
    "Reste dû (€)",
    "Statut",
    "Communication structurée",
]


async def invoice_for(
    tx: Transactions, school: School, family: Family, title: str, cents: int, due: date
) -> InvoiceView:
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    return await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            title,
            [LineInput(title, 1, cents)],
            date(2026, 10, 1),
            due,
        )
    )


@dataclass
class Billed:
    school: School
    alice: Family
    bruno: Family
    invoices: tuple[InvoiceView, InvoiceView, InvoiceView]  # overdue, due today, later
    staff: Person


@pytest.fixture
async def billed(tx: Transactions, clock: FakeClock) -> Billed:
    clock.set(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))  # 2 November in Brussels
    school = await make_school(tx)
    alice, bruno = await make_family(tx, school), await make_family(tx, school)
    await set_class(tx, alice.child, "P1")
    await set_class(tx, bruno.child, "P2")
    overdue = await invoice_for(tx, school, alice, "Piscine", 25_00, date(2026, 11, 1))
    await tx.run(
        lambda uow: pay_invoice(
            uow, overdue.id, 10_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:1"
        )
    )
    due_today = await invoice_for(tx, school, bruno, "Théâtre", 40_00, date(2026, 11, 2))
    later = await invoice_for(tx, school, alice, "Classe verte", 12_50, date(2026, 11, 20))
    paid = await invoice_for(tx, school, bruno, "Cantine", 5_00, date(2026, 11, 10))
    await tx.run(
        lambda uow: pay_invoice(
            uow, paid.id, 5_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:2"
        )
    )
    credited = await invoice_for(tx, school, alice, "Bus", 7_00, date(2026, 11, 10))
    staff = await make_user(tx, school, Role.STAFF)
    await tx.run(lambda uow: credit_invoice(uow, actor_for(staff), credited.id, 7_00, "Annulé"))
    return Billed(school, alice, bruno, (overdue, due_today, later), staff)


def number(invoice: InvoiceView) -> str:
    return f"{invoice.school_year}-{invoice.number:04d}"


async def test_open_and_overdue_invoices_in_the_staff_language(
    http: httpx.AsyncClient, tx: Transactions, billed: Billed
) -> None:
    overdue, due_today, later = billed.invoices
    alice, bruno, staff = billed.alice, billed.bruno, billed.staff
    rows = rows_of(await get(http, staff.token, PATH))
    assert rows == [
        HEADER_FR,
        [
            number(overdue),
            f"{alice.child.last_name} {alice.child.first_name}",
            "P1",
            "Piscine",
            "2026-10-01",
            "2026-11-01",
            "25,00",
            "10,00",
            "15,00",
            "En retard",
            overdue.communication,
        ],
        [
            number(due_today),
            f"{bruno.child.last_name} {bruno.child.first_name}",
            "P2",
            "Théâtre",
            "2026-10-01",
            "2026-11-02",
            "40,00",
            "0,00",
            "40,00",
            "Ouverte",  # its due date is today: not overdue yet
            due_today.communication,
        ],
        [
            number(later),
            f"{alice.child.last_name} {alice.child.first_name}",
            "P1",
            "Classe verte",
            "2026-10-01",
            "2026-11-20",
            "12,50",
            "0,00",
            "12,50",
            "Ouverte",
            later.communication,
        ],
    ]
    p1 = rows_of(await get(http, staff.token, PATH, **{"class": "P1"}))
    assert [row[0] for row in p1[1:]] == [number(overdue), number(later)]
    assert rows_of(await get(http, staff.token, PATH, **{"class": "P9"})) == [HEADER_FR]

    english = await make_user(tx, billed.school, Role.STAFF, locale="en")
    in_english = rows_of(await get(http, english.token, PATH), ",")
    assert in_english[0] == [
        "Number",
        "Child",
        "Class",
        "Title",
        "Issue date",
        "Due date",
        "Total (€)",
        "Paid (€)",
        "Due (€)",
        "Status",
        "Structured communication",
    ]
    assert in_english[1][6:10] == ["25.00", "10.00", "15.00", "Overdue"]


async def test_parents_get_403_and_other_schools_see_nothing(
    http: httpx.AsyncClient, tx: Transactions, billed: Billed
) -> None:
    alice = billed.alice
    answer = await get(http, alice.parent.token, PATH)
    assert answer.status_code == 403
    assert alice.child.first_name not in answer.text
    assert (await get(http, None, PATH)).status_code == 401
    outsider = await make_user(tx, await make_school(tx), Role.STAFF)
    assert rows_of(await get(http, outsider.token, PATH)) == [HEADER_FR]
