"""The staff's CSV reports: the kitchen's count, the wallets' balances, the devices' sales,
the open invoices.

Each report is a header row and rows of text, in the reader's language; routes/reports.py
writes them as CSV a spreadsheet opens as it is.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from i18n.catalogue import translate
from models.billing import Invoice
from models.family import Child
from models.meals import ChildAllergen, MealArticle, MealReservation
from models.sales import Device, Sale
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.billing.receipts import invoice_number
from services.billing.status import InvoiceStatus, status_of
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import at_local, zone
from services.family.children import get_school, require_staff
from services.meals.reservations import ACTIVE

MAX_DAYS = 366
Table = list[list[str]]


def _period(first: date, last: date) -> None:
    if last < first or (last - first).days > MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, "to")


def euros(cents: int, locale: str) -> str:
    """12,50 in French and Dutch, 12.50 in English: what the reader's spreadsheet parses."""
    sign = "-" if cents < 0 else ""
    text = f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    return text if locale == "en" else text.replace(".", ",")


async def meals_report(session: AsyncSession, actor: Actor, first: date, last: date) -> Table:
    """Per day, class and article: the active reservations and the children's allergens."""
    require_staff(actor)
    _period(first, last)
    locale = actor.locale
    rows = (
        await session.execute(
            select(
                col(MealReservation.day),
                col(Child.class_name),
                col(MealArticle.name),
                col(MealReservation.child_id),
            )
            .join(Child, col(Child.id) == col(MealReservation.child_id))
            .join(MealArticle, col(MealArticle.id) == col(MealReservation.article_id))
            .where(
                col(MealReservation.school_id) == actor.school_id,
                col(MealReservation.status) == ACTIVE,
                col(MealReservation.day).between(first, last),
            )
        )
    ).all()
    children = {int(r[3]) for r in rows}
    allergens: dict[int, set[str]] = defaultdict(set)
    if children:
        for child_id, allergen in (
            await session.execute(
                select(col(ChildAllergen.child_id), col(ChildAllergen.allergen)).where(
                    col(ChildAllergen.child_id).in_(children)
                )
            )
        ).all():
            allergens[int(child_id)].add(str(allergen))
    groups: dict[tuple[date, str, str], list[int]] = defaultdict(list)
    for day, class_name, article, child_id in rows:
        groups[(day, class_name or "", article)].append(int(child_id))
    table = [
        [
            translate("report.date", locale),
            translate("report.class", locale),
            translate("report.meals.article", locale),
            translate("report.meals.count", locale),
            translate("report.meals.allergens", locale),
        ]
    ]
    for (day, class_name, article), ids in sorted(groups.items()):
        concerned = sorted(set().union(*(allergens[i] for i in ids)))
        table.append([day.isoformat(), class_name, article, str(len(ids)), ", ".join(concerned)])
    return table


async def balances_report(session: AsyncSession, actor: Actor) -> Table:
    """Every wallet with its child, class and balance; then the total of each kind of wallet."""
    require_staff(actor)
    locale = actor.locale
    rows = (
        await session.execute(
            select(
                col(Child.last_name),
                col(Child.first_name),
                col(Child.class_name),
                col(Wallet.name),
                col(Wallet.balance_cents),
            )
            .join(Child, col(Child.id) == col(Wallet.child_id))
            .where(col(Wallet.school_id) == actor.school_id)
            .order_by(col(Child.last_name), col(Child.first_name), col(Child.id), col(Wallet.slot))
        )
    ).all()
    table = [
        [
            translate("report.child", locale),
            translate("report.class", locale),
            translate("report.balances.wallet", locale),
            translate("report.balances.balance", locale),
        ]
    ]
    totals: dict[str, int] = defaultdict(int)
    for last_name, first_name, class_name, wallet, cents in rows:
        totals[wallet] += int(cents)
        table.append(
            [f"{last_name} {first_name}", class_name or "", wallet, euros(int(cents), locale)]
        )
    for wallet, cents in sorted(totals.items()):
        table.append([translate("report.total", locale), "", wallet, euros(cents, locale)])
    return table


async def sales_report(session: AsyncSession, actor: Actor, first: date, last: date) -> Table:
    """Per device and school day: how many lines were sold and for how much."""
    require_staff(actor)
    _period(first, last)
    locale = actor.locale
    tz = zone((await get_school(session, actor.school_id)).timezone)
    start, end = at_local(first, time(0), tz), at_local(last + timedelta(days=1), time(0), tz)
    rows = (
        await session.execute(
            select(col(Device.name), col(Sale.at), col(Sale.amount_cents))
            .join(Device, col(Device.id) == col(Sale.device_id))
            .where(
                col(Sale.school_id) == actor.school_id,
                col(Sale.at) >= start,
                col(Sale.at) < end,
            )
        )
    ).all()
    groups: dict[tuple[date, str], list[int]] = defaultdict(list)
    for device, at, cents in rows:
        moment: datetime = at
        groups[(moment.astimezone(tz).date(), device)].append(int(cents))
    table = [
        [
            translate("report.date", locale),
            translate("report.sales.device", locale),
            translate("report.sales.count", locale),
            translate("report.sales.amount", locale),
        ]
    ]
    for (day, device), amounts in sorted(groups.items()):
        table.append([day.isoformat(), device, str(len(amounts)), euros(sum(amounts), locale)])
    return table


def _status_label(status: InvoiceStatus, locale: str) -> str:
    if status is InvoiceStatus.OVERDUE:
        return translate("report.invoices.overdue", locale)
    return translate("report.invoices.open", locale)


async def open_invoices_report(
    session: AsyncSession, actor: Actor, now: datetime, class_name: str | None
) -> Table:
    """Every invoice with something due (OPEN and OVERDUE, the school's today deciding), oldest
    due date first; only one class's children when a class is given."""
    require_staff(actor)
    locale = actor.locale
    tz = zone((await get_school(session, actor.school_id)).timezone)
    query = (
        select(Invoice, col(Child.last_name), col(Child.first_name), col(Child.class_name))
        .join(Child, col(Child.id) == col(Invoice.child_id))
        .where(
            col(Invoice.school_id) == actor.school_id,
            col(Invoice.paid_cents) + col(Invoice.credited_cents) < col(Invoice.total_cents),
        )
        .order_by(col(Invoice.due_on), col(Invoice.school_year), col(Invoice.number))
    )
    if class_name is not None:
        query = query.where(col(Child.class_name) == class_name)
    table = [
        [
            translate("report.invoices.number", locale),
            translate("report.child", locale),
            translate("report.class", locale),
            translate("report.invoices.title", locale),
            translate("report.invoices.issued_on", locale),
            translate("report.invoices.due_on", locale),
            translate("report.invoices.total", locale),
            translate("report.invoices.paid", locale),
            translate("report.invoices.due", locale),
            translate("report.invoices.status", locale),
            translate("report.invoices.communication", locale),
        ]
    ]
    for invoice, last_name, first_name, child_class in (await session.execute(query)).all():
        view = InvoiceView.of(invoice)
        table.append(
            [
                invoice_number(view),
                f"{last_name} {first_name}",
                child_class or "",
                view.title,
                view.issued_on.isoformat(),
                view.due_on.isoformat(),
                euros(view.total_cents, locale),
                euros(view.paid_cents, locale),
                euros(view.due_cents, locale),
                _status_label(status_of(view, now, tz), locale),
                view.communication,
            ]
        )
    return table
