"""Issuing one invoice per child to a list of children, a class or the whole school.

    invoices = await issue_invoices(tx, storage, staff, InvoiceTarget.school_class("3A"),
                                    "Classe verte", lines, issued_on, due_on, "key-1")

Never one long write transaction: the first short one checks the request and fixes the list
of children under the idempotency key; each batch of invoices is then its own short
transaction under a derived key, and the PDFs are rendered after, outside any. A retry with
the same key and arguments resumes where a failure stopped and answers the same invoices;
other arguments under the key are IDEMPOTENCY_CONFLICT.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from models.family import Child
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice_internal, validate_invoice
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import MAX_KEY_LENGTH, actor_key, idempotent
from services.family.children import require_staff
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage

BATCH = 25  # invoices per write transaction: well under a second of writer lock each
KEY_ROOM = 12  # room left in the key for the batch suffix


@dataclass(frozen=True)
class InvoiceTarget:
    """Given children, one class, or (neither) the whole school."""

    child_ids: tuple[int, ...] | None = None
    class_name: str | None = None

    @classmethod
    def children(cls, child_ids: Sequence[int]) -> "InvoiceTarget":
        return cls(child_ids=tuple(child_ids))

    @classmethod
    def school_class(cls, class_name: str) -> "InvoiceTarget":
        return cls(class_name=class_name)

    @classmethod
    def whole_school(cls) -> "InvoiceTarget":
        return cls()

    def describe(self) -> dict[str, object]:
        return {
            "childIds": sorted(set(self.child_ids)) if self.child_ids is not None else None,
            "className": self.class_name.strip() if self.class_name is not None else None,
        }


async def issue_invoices(
    tx: Transactions,
    storage: DocumentStorage,
    actor: Actor,
    target: InvoiceTarget,
    title: str,
    lines: Sequence[LineInput],
    issued_on: date,
    due_on: date,
    idempotency_key: str,
) -> list[InvoiceView]:
    """Staff only (FORBIDDEN otherwise); a child of another school or an empty class:
    NOT_FOUND, and nothing is issued."""
    require_staff(actor)
    validate_invoice(title, lines, issued_on, due_on)
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH - KEY_ROOM:
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotencyKey")
    request = {
        "target": target.describe(),
        "title": title,
        "lines": [[line.label, line.quantity, line.unit_price_cents] for line in lines],
        "issuedOn": issued_on.isoformat(),
        "dueOn": due_on.isoformat(),
    }

    async def plan(uow: UnitOfWork) -> list[int]:
        return await idempotent(
            uow,
            scope="issueInvoices",
            actor=actor_key(actor),
            key=key,
            request=request,
            work=lambda: _children(uow, actor.school_id, target),
            encode=list,
            decode=lambda stored: [int(v) for v in stored],
        )

    children = await tx.run(plan)
    invoice_ids: list[int] = []
    for start in range(0, len(children), BATCH):
        batch = children[start : start + BATCH]

        async def issue(uow: UnitOfWork, batch: list[int] = batch, n: int = start) -> list[int]:
            return await idempotent(
                uow,
                scope="issueInvoices.batch",
                actor=actor_key(actor),
                key=f"{key}#{n // BATCH}",
                request={**request, "children": batch},
                work=lambda: _issue_batch(uow, actor, batch, title, lines, issued_on, due_on),
                encode=list,
                decode=lambda stored: [int(v) for v in stored],
            )

        invoice_ids.extend(await tx.run(issue))
    await publish_invoices(tx, storage, invoice_ids)
    return await tx.read(lambda session: _views(session, invoice_ids))


async def _children(uow: UnitOfWork, school_id: int, target: InvoiceTarget) -> list[int]:
    query = select(col(Child.id)).where(col(Child.school_id) == school_id)
    if target.child_ids is not None:
        wanted = sorted(set(target.child_ids))
        if not wanted:
            raise DomainError(ErrorCode.INVALID_INPUT, "childIds")
        found = await _ids(uow, query.where(col(Child.id).in_(wanted)))
        if len(found) != len(wanted):
            raise NotFound("childIds")  # another school's child reads as a missing one
        return found
    if target.class_name is not None:
        name = target.class_name.strip()
        if not name:
            raise DomainError(ErrorCode.INVALID_INPUT, "className")
        query = query.where(col(Child.class_name) == name)
    found = await _ids(uow, query)
    if not found:
        raise NotFound("className" if target.class_name is not None else "childIds")
    return found


async def _ids(uow: UnitOfWork, query: Select[Any]) -> list[int]:
    return sorted(int(child_id) for child_id in await uow.session.scalars(query) if child_id)


async def _issue_batch(
    uow: UnitOfWork,
    actor: Actor,
    child_ids: list[int],
    title: str,
    lines: Sequence[LineInput],
    issued_on: date,
    due_on: date,
) -> list[int]:
    issued = []
    for child_id in child_ids:
        view = await issue_invoice_internal(
            uow,
            actor.school_id,
            child_id,
            title,
            lines,
            issued_on,
            due_on,
            source="staff",
            created_by=actor.user_id,
        )
        issued.append(view.id)
    return issued


async def _views(session: AsyncSession, invoice_ids: list[int]) -> list[InvoiceView]:
    rows = await session.scalars(select(Invoice).where(col(Invoice.id).in_(invoice_ids)))
    by_id = {row.id: InvoiceView.of(row) for row in rows}
    return [by_id[invoice_id] for invoice_id in invoice_ids]
