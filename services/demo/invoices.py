"""The demo school's invoices: for each of demo.parent's and demo.other's children, one in each
status (OPEN, OVERDUE, PAID partly from a wallet, CREDITED), through the billing services.

They come after the rest of the seed because an invoice is published (its PDF rendered and
attached) outside the issuing transaction. The wallet that pays part of the PAID invoice is
first topped up by a bank transfer of exactly that amount, so every demo wallet still ends at
"Repas" €50.00 / "Activités" €20.00. The seed's history mails nobody: a discarding outbox takes
the new-invoice and receipt mails.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.billing import Invoice
from models.documents import DocumentRead
from models.family import Guardianship
from services.accounts.actor import Actor
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.billing.wallet_payment import pay_invoice_from_wallet
from services.demo.school import DemoSchool
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import bank_transfers, wallets
from storage.protocol import DocumentStorage

# The part of the PAID invoice its child's "Activités" wallet pays (a bank transfer pays the rest).
FROM_WALLET_CENTS = 1500


@dataclass(frozen=True)
class Spec:
    status: str  # what the invoice ends as
    title: str
    lines: tuple[LineInput, ...]
    issued_days_ago: int
    due_in_days: int  # negative: already past


SPECS = (
    Spec(
        "CREDITED",
        "Classe verte (annulée)",
        (LineInput("Séjour de deux jours", 1, 4500),),
        issued_days_ago=40,
        due_in_days=-25,
    ),
    Spec(
        "PAID",
        "Fournitures scolaires",
        (LineInput("Cahiers et classeurs", 1, 2200), LineInput("Plumier garni", 1, 1300)),
        issued_days_ago=32,
        due_in_days=-18,
    ),
    Spec(
        "OVERDUE",
        "Natation — 1er trimestre",
        (LineInput("Séance à la piscine", 8, 300),),
        issued_days_ago=28,
        due_in_days=-7,
    ),
    Spec(
        "OPEN",
        "Excursion et spectacle",
        (LineInput("Transport en car", 1, 650), LineInput("Entrée", 1, 1200)),
        issued_days_ago=2,
        due_in_days=12,
    ),
)


class DiscardMail:
    """An outbox that sends nothing: the demo's past needs no mail."""

    async def enqueue(self, session: AsyncSession, **mail: Any) -> None:
        return None

    def prepare(self, **mail: Any) -> None:
        return None


def _actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.school_id, Role(user.role), user.locale)


def _at(uow: UnitOfWork, days: int) -> UnitOfWork:
    """The same transaction with its clock set back `days` days."""
    return UnitOfWork(uow.session, uow.settings, uow.now - timedelta(days=days), uow.outbox)


def _today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


async def seed_invoices(tx: Transactions, storage: DocumentStorage, demo: DemoSchool) -> None:
    staff = _actor(demo.staff)
    families = ((demo.parent, demo.children), (demo.other, demo.other_children))
    children = [(parent, child) for parent, kids in families for child in kids]
    today = _today(tx.now(), demo.school.timezone)

    async def issue(uow: UnitOfWork) -> dict[tuple[int, str], InvoiceView]:
        # Oldest first, so that the numbers follow the issue dates.
        issued = {}
        for spec in SPECS:
            for _, child in children:
                assert child.id is not None
                issued[child.id, spec.status] = await issue_invoice(
                    uow,
                    staff,
                    child.id,
                    spec.title,
                    spec.lines,
                    today - timedelta(days=spec.issued_days_ago),
                    today + timedelta(days=spec.due_in_days),
                )
        return issued

    issued = await tx.run(issue)
    await publish_invoices(tx, storage, [view.id for view in issued.values()])

    async def settle(uow: UnitOfWork) -> None:
        await _mark_read(uow, [view.id for view in issued.values()])
        for parent, child in children:
            assert child.id is not None
            await _pay(uow, staff, _actor(parent), child.id, issued[child.id, "PAID"])
            credited = issued[child.id, "CREDITED"]
            await credit_invoice(
                _at(uow, 30), staff, credited.id, credited.total_cents, "Activité annulée"
            )

    await tx.run(settle)


async def _pay(
    uow: UnitOfWork, staff: Actor, parent: Actor, child_id: int, invoice: InvoiceView
) -> None:
    """A bank transfer pays all but FROM_WALLET_CENTS; the "Activités" wallet, topped up by
    as much first, pays the rest."""
    _, activities = await wallets.child_wallets(uow.session, child_id)
    transfer = _at(uow, 27)
    await bank_transfers.record_bank_transfer(
        transfer,
        staff,
        communication_text=invoice.communication,
        amount_cents=invoice.total_cents - FROM_WALLET_CENTS,
        bank_reference=f"DEMO-INVOICE-{invoice.id}",
        value_date=transfer.now.date(),
    )
    top_up = _at(uow, 25)
    await bank_transfers.record_bank_transfer(
        top_up,
        staff,
        communication_text=activities.structured_communication,
        amount_cents=FROM_WALLET_CENTS,
        bank_reference=f"DEMO-WALLET-{invoice.id}",
        value_date=top_up.now.date(),
    )
    await pay_invoice_from_wallet(
        _at(uow, 24),
        parent,
        invoice_id=invoice.id,
        wallet_id=activities.id,
        idempotency_key=f"demo-invoice-{invoice.id}",
    )


async def _mark_read(uow: UnitOfWork, invoice_ids: Sequence[int]) -> None:
    """Seen already by every guardian: the demo keeps its one unread document per child."""
    found = await uow.session.execute(
        select(col(Invoice.document_id), col(Guardianship.parent_id))
        .join(Guardianship, col(Guardianship.child_id) == col(Invoice.child_id))
        .where(col(Invoice.id).in_(list(invoice_ids)))
    )
    for document_id, reader in found.all():
        assert document_id is not None
        uow.session.add(DocumentRead(document_id=document_id, user_id=reader, read_at=uow.now))
    await uow.session.flush()
