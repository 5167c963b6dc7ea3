"""Purchases at point-of-sale devices: one debit for all the lines, or nothing at all.

A purchase is one ledger transaction (wallet → SALES_REVENUE, type PURCHASE, method POS) and
one `sales` row per line. Staff refund a whole purchase by reversing its transaction.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.ledger import LedgerTransaction, OperationType, PaymentMethod, SchoolAccount
from models.sales import Sale
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import require_staff
from services.sql.uow import UnitOfWork
from services.wallets import ledger
from services.wallets.devices import DeviceActor
from services.wallets.views import Posted

MAX_LINES = 50
MAX_QUANTITY = 1000
MAX_UNIT_PRICE_CENTS = 100_000
MAX_ARTICLE = 200


def search_key(text: str) -> str:
    """Lower case without accents: "Crêpe" and "CREPE" are found alike on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass(frozen=True)
class SaleLine:
    article: str
    quantity: int
    unit_price_cents: int


# A sale is refunded when staff reversed its purchase's transaction: when that happened.
REFUNDED_AT = (
    select(col(LedgerTransaction.at))
    .where(col(LedgerTransaction.reverses_id) == col(Sale.transaction_id))
    .scalar_subquery()
    .label("refunded_at")
)

# SaleView's columns in the order of its fields, for lists read as columns rather than ORM
# objects (`SaleView(*values)`).
SALE_COLUMNS = (
    col(Sale.id),
    col(Sale.child_id),
    col(Sale.wallet_id),
    col(Sale.device_id),
    col(Sale.transaction_id),
    col(Sale.article),
    col(Sale.quantity),
    col(Sale.amount_cents),
    col(Sale.at),
    REFUNDED_AT,
)


@dataclass(frozen=True)
class SaleView:
    id: int
    child_id: int
    wallet_id: int
    device_id: int
    transaction_id: int
    article: str
    quantity: int
    amount_cents: int
    at: datetime
    refunded_at: datetime | None = None

    @property
    def refunded(self) -> bool:
        return self.refunded_at is not None

    @classmethod
    def of(cls, row: Sale) -> "SaleView":
        assert row.id is not None
        return cls(
            row.id,
            row.child_id,
            row.wallet_id,
            row.device_id,
            row.transaction_id,
            row.article,
            row.quantity,
            row.amount_cents,
            row.at,
        )

    def to_json(self) -> dict[str, Any]:
        refunded = self.refunded_at and self.refunded_at.isoformat()
        return {**self.__dict__, "at": self.at.isoformat(), "refunded_at": refunded}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SaleView":
        refunded = data.get("refunded_at")
        return cls(
            **{
                **data,
                "at": datetime.fromisoformat(data["at"]),
                "refunded_at": refunded and datetime.fromisoformat(refunded),
            }
        )


async def with_refunds(session: AsyncSession, views: list[SaleView]) -> list[SaleView]:
    """These sales, each with when its purchase was refunded (one statement for them all)."""
    transactions = sorted({view.transaction_id for view in views})
    if not transactions:
        return views
    rows = await session.execute(
        select(col(LedgerTransaction.reverses_id), col(LedgerTransaction.at)).where(
            col(LedgerTransaction.reverses_id).in_(transactions)
        )
    )
    refunds = {int(reversed_id or 0): at for reversed_id, at in rows.all()}
    return [replace(view, refunded_at=refunds.get(view.transaction_id)) for view in views]


@dataclass(frozen=True)
class Purchase:
    posted: Posted
    sales: tuple[SaleView, ...]

    def to_json(self) -> dict[str, Any]:
        return {"posted": self.posted.to_json(), "sales": [s.to_json() for s in self.sales]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Purchase":
        return cls(
            Posted.from_json(data["posted"]), tuple(SaleView.from_json(s) for s in data["sales"])
        )


def _clean_lines(lines: Sequence[SaleLine]) -> list[SaleLine]:
    if not 0 < len(lines) <= MAX_LINES:
        raise DomainError(ErrorCode.INVALID_INPUT, "lines")
    cleaned = []
    for line in lines:
        article = line.article.strip()
        if not article or len(article) > MAX_ARTICLE or not 0 < line.quantity <= MAX_QUANTITY:
            raise DomainError(ErrorCode.INVALID_INPUT, "lines")
        if not 0 <= line.unit_price_cents <= MAX_UNIT_PRICE_CENTS:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "lines")
        cleaned.append(SaleLine(article, line.quantity, line.unit_price_cents))
    if sum(line.quantity * line.unit_price_cents for line in cleaned) <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "lines")
    return cleaned


def _summary(lines: Sequence[SaleLine]) -> str:
    return ", ".join(
        f"{line.article} ×{line.quantity}" if line.quantity > 1 else line.article for line in lines
    )


async def record_sale(
    uow: UnitOfWork,
    device: DeviceActor,
    *,
    child_id: int,
    wallet_id: int,
    lines: Sequence[SaleLine],
    idempotency_key: str,
) -> Purchase:
    wallet = await uow.session.scalar(
        select(Wallet).where(col(Wallet.id) == wallet_id, col(Wallet.school_id) == device.school_id)
    )
    if wallet is None or wallet.child_id != child_id:
        raise NotFound("walletId")
    cleaned = _clean_lines(lines)
    total = sum(line.quantity * line.unit_price_cents for line in cleaned)

    async def sell() -> Purchase:
        posted = await ledger.debit_wallet(
            uow,
            wallet_id=wallet_id,
            amount_cents=total,
            to=SchoolAccount.SALES_REVENUE,
            type=OperationType.PURCHASE,
            label=f"{device.name} : {_summary(cleaned)}"[:300],
            method=PaymentMethod.POS,
        )
        rows = [
            Sale(
                school_id=device.school_id,
                child_id=child_id,
                wallet_id=wallet_id,
                device_id=device.device_id,
                transaction_id=posted.transaction_id,
                article=line.article,
                article_search=search_key(line.article),
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
                amount_cents=line.quantity * line.unit_price_cents,
                at=uow.now,
            )
            for line in cleaned
        ]
        uow.session.add_all(rows)
        await uow.session.flush()
        return Purchase(posted, tuple(SaleView.of(row) for row in rows))

    return await idempotent(
        uow,
        scope="recordSale",
        actor=device.idempotency_actor,
        key=idempotency_key,
        request={
            "child": child_id,
            "wallet": wallet_id,
            "lines": [[line.article, line.quantity, line.unit_price_cents] for line in cleaned],
        },
        work=sell,
        encode=Purchase.to_json,
        decode=Purchase.from_json,
    )


async def refund_sale(
    uow: UnitOfWork, actor: Actor, *, sale_id: int, idempotency_key: str
) -> Posted:
    """Staff give back a whole purchase (every line of it); ALREADY_CANCELLED the second time."""
    require_staff(actor)
    sale = await uow.session.get(Sale, sale_id)
    if sale is None or sale.school_id != actor.school_id:
        raise NotFound("saleId")
    articles = (
        await uow.session.scalars(
            select(col(Sale.article))
            .where(col(Sale.transaction_id) == sale.transaction_id)
            .order_by(col(Sale.id))
        )
    ).all()
    transaction_id = sale.transaction_id

    async def give_back() -> Posted:
        return await ledger.reverse(
            uow,
            transaction_id,
            type=OperationType.PURCHASE_REFUND,
            label=f"Remboursement : {', '.join(articles)}"[:300],
        )

    return await idempotent(
        uow,
        scope="refundSale",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"transaction": transaction_id},
        work=give_back,
        encode=Posted.to_json,
        decode=Posted.from_json,
    )
