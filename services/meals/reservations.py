"""Reserve = pay, cancel = refund: a reservation and its ledger transaction commit together.

Refusals: RESERVATION_CLOSED (a closed day, past the cut-off, beyond the horizon),
INVALID_INPUT (an article not offered on an open day),
INSUFFICIENT_FUNDS (from the ledger), FEATURE_DISABLED, NOT_FOUND (another family's child, an
unknown article or reservation), ALLERGEN_CONFLICT, ALREADY_CANCELLED.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.ledger import OperationType, SchoolAccount
from models.meals import (
    ChildAllergen,
    MealArticle,
    MealClosure,
    MealOffering,
    MealReservation,
)
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound, message_key
from services.common.idempotency import actor_key, idempotent
from services.family.children import (
    child_for,
    child_to_act_for,
    get_school,
    require_present,
    viewer_kind,
    viewer_params,
    visible_children,
    visible_children_of,
)
from services.meals.catalogue import meal_rule, school_article
from services.sql.column_reads import column_rows
from services.sql.uow import UnitOfWork
from services.wallets import ledger
from services.wallets.views import WalletView
from services.wallets.wallets import paying_wallet

ACTIVE, CANCELLED = "ACTIVE", "CANCELLED"


@dataclass(frozen=True)
class ReservationView:
    """A reservation with its article and, after a move of money, the paying wallet."""

    id: int
    child_id: int
    day: date
    article_id: int
    article_name: str
    price_cents: int
    status: str
    cancellable: bool
    wallet: WalletView | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "childId": self.child_id,
            "day": self.day.isoformat(),
            "articleId": self.article_id,
            "articleName": self.article_name,
            "priceCents": self.price_cents,
            "status": self.status,
            "cancellable": self.cancellable,
            "wallet": self.wallet.to_json() if self.wallet else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReservationView":
        wallet = data.get("wallet")
        return cls(
            int(data["id"]),
            int(data["childId"]),
            date.fromisoformat(data["day"]),
            int(data["articleId"]),
            str(data["articleName"]),
            int(data["priceCents"]),
            str(data["status"]),
            bool(data["cancellable"]),
            WalletView.from_json(wallet) if wallet else None,
        )


def _label(day: date, article: MealArticle) -> str:
    return f"Repas du {day:%d/%m/%Y} : {article.name}"


async def _require_meals(uow: UnitOfWork, school_id: int) -> None:
    if not (await get_school(uow.session, school_id)).feature_meals:
        raise DomainError(ErrorCode.FEATURE_DISABLED)


async def _closed(uow: UnitOfWork, school_id: int, day: date) -> bool:
    closure = await uow.session.scalar(
        select(col(MealClosure.id)).where(
            col(MealClosure.school_id) == school_id, col(MealClosure.day) == day
        )
    )
    return closure is not None


async def reserve(
    uow: UnitOfWork,
    actor: Actor,
    *,
    child_id: int,
    day: date,
    article_id: int,
    idempotency_key: str,
) -> ReservationView:
    """Debit the article's price from the child's meals wallet and book the meal, atomically."""

    async def book() -> ReservationView:
        child = await child_to_act_for(uow.session, actor, child_id)
        await _require_meals(uow, child.school_id)
        article = await school_article(uow.session, child.school_id, article_id)
        if not article.active:
            raise NotFound("articleId")
        offered = await uow.session.scalar(
            select(col(MealOffering.id))
            .where(
                col(MealOffering.school_id) == child.school_id,
                col(MealOffering.day) == day,
                col(MealOffering.article_id) == article_id,
            )
            # Held until commit: the menu cannot be withdrawn under a reservation being made.
            .with_for_update(read=True)
        )
        rule = await meal_rule(uow.session, child.school_id)
        # A school day whose menu lacks the article: the request is wrong, not the day closed.
        if (
            offered is None
            and day.weekday() < 5
            and rule.open(day, uow.now)
            and not await _closed(uow, child.school_id, day)
        ):
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                "articleId",
                detail=message_key("error.INVALID_INPUT.not_offered"),
            )
        if offered is None or not rule.open(day, uow.now):
            raise DomainError(ErrorCode.RESERVATION_CLOSED, "date")
        declared = set(
            (
                await uow.session.scalars(
                    select(col(ChildAllergen.allergen)).where(
                        col(ChildAllergen.child_id) == child_id
                    )
                )
            ).all()
        )
        conflicts = sorted(declared & set(article.allergens))
        if conflicts:
            raise DomainError(
                ErrorCode.ALLERGEN_CONFLICT, "articleId", allergens=", ".join(conflicts)
            )
        wallet = await paying_wallet(uow.session, child_id, "meals")
        posted = await ledger.debit_wallet(
            uow,
            wallet_id=wallet.id,
            amount_cents=article.price_cents,
            to=SchoolAccount.MEAL_REVENUE,
            type=OperationType.MEAL,
            label=_label(day, article),
        )
        reservation = MealReservation(
            school_id=child.school_id,
            child_id=child_id,
            day=day,
            article_id=article_id,
            price_cents=article.price_cents,
            reserved_by=actor.user_id,
            created_at=uow.now,
            debit_transaction_id=posted.transaction_id,
        )
        uow.session.add(reservation)
        await uow.session.flush()
        return _view(reservation, article, True, posted.wallet(wallet.id))

    # The key is claimed first: a retry gets the first answer back, even after the cut-off.
    return await idempotent(
        uow,
        scope="reserveMeal",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"childId": child_id, "date": day.isoformat(), "articleId": article_id},
        work=book,
        encode=ReservationView.to_json,
        decode=ReservationView.from_json,
    )


async def cancel(uow: UnitOfWork, actor: Actor, reservation_id: int) -> ReservationView:
    """Refund at once through a reversal of the debit; parents only before the cut-off."""
    reservation = await uow.session.get(MealReservation, reservation_id)
    if reservation is None:
        raise NotFound("reservationId")
    try:
        child = await child_for(uow.session, actor, reservation.child_id)
    except DomainError:
        raise NotFound("reservationId") from None
    require_present(actor, child.left_at)
    rule = await meal_rule(uow.session, reservation.school_id)
    if reservation.status == CANCELLED:
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "reservationId")
    if not actor.is_staff and not rule.open(reservation.day, uow.now):
        raise DomainError(ErrorCode.RESERVATION_CLOSED, "reservationId")
    return await refund(uow, reservation)


async def refund(
    uow: UnitOfWork, reservation: MealReservation, reason: str = "Annulation"
) -> ReservationView:
    """Cancel an active reservation and reverse its debit, exactly once whatever races it."""
    assert reservation.id is not None and reservation.debit_transaction_id is not None
    # The conditional update decides between concurrent cancels: one sees the row ACTIVE.
    claimed = await uow.session.execute(
        update(MealReservation)
        .where(col(MealReservation.id) == reservation.id, col(MealReservation.status) == ACTIVE)
        .values(status=CANCELLED, cancelled_at=uow.now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "reservationId")
    article = await uow.session.get(MealArticle, reservation.article_id)
    assert article is not None
    posted = await ledger.reverse(
        uow,
        reservation.debit_transaction_id,
        type=OperationType.MEAL_REFUND,
        label=f"{reason} — {_label(reservation.day, article)}",
    )
    await uow.session.execute(
        update(MealReservation)
        .where(col(MealReservation.id) == reservation.id)
        .values(refund_transaction_id=posted.transaction_id)
        .execution_options(synchronize_session=False)
    )
    await uow.session.refresh(reservation)
    return _view(reservation, article, False, posted.wallets[0])


async def reservation_for(
    session: AsyncSession, actor: Actor, reservation_id: int, now: datetime
) -> ReservationView:
    """One of the viewer's children's reservations; NOT_FOUND otherwise, as for a missing one."""
    found = (
        await session.execute(
            select(MealReservation, MealArticle)
            .join(MealArticle, col(MealArticle.id) == col(MealReservation.article_id))
            .where(
                col(MealReservation.id) == reservation_id,
                col(MealReservation.child_id).in_(visible_children(actor)),
            )
        )
    ).first()
    if found is None:
        raise NotFound("reservationId")
    reservation, article = found
    rule = await meal_rule(session, reservation.school_id)
    return _view(reservation, article, rule.open(reservation.day, now), None)


async def reserved_meals(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int], first: date, last: date
) -> dict[int, list[ReservationView]]:
    """Active reservations of these children (those the actor may see) between two school days,
    in day order: one statement for any number of children (the dashboard's coming meals)."""
    found: dict[int, list[ReservationView]] = {child_id: [] for child_id in child_ids}
    if not child_ids:
        return found
    params = {**viewer_params(actor), "child_ids": list(child_ids), "first": first, "last": last}
    rows = await column_rows(session, _reserved_statement(viewer_kind(actor)), params)
    for row in rows:
        id_, child_id, day, article_id, article_name, price_cents, status = tuple(row)
        view = ReservationView(
            id_, child_id, day, article_id, article_name, price_cents, status, cancellable=False
        )
        found[child_id].append(view)
    return found


@functools.cache
def _reserved_statement(whole_school: bool) -> Select[*tuple[Any, ...]]:
    """reserved_meals' statement, built once (the dashboard reads it on every load). Columns,
    not entities: loading ORM objects costs more than the statement for these few rows."""
    return (
        select(
            col(MealReservation.id),
            col(MealReservation.child_id),
            col(MealReservation.day),
            col(MealArticle.id),
            col(MealArticle.name),
            col(MealReservation.price_cents),
            col(MealReservation.status),
        )
        .join(MealArticle, col(MealArticle.id) == col(MealReservation.article_id))
        .where(
            col(MealReservation.child_id).in_(bindparam("child_ids", expanding=True)),
            col(MealReservation.child_id).in_(visible_children_of(whole_school)),
            col(MealReservation.status) == ACTIVE,
            col(MealReservation.day).between(bindparam("first"), bindparam("last")),
        )
        .order_by(col(MealReservation.day), col(MealReservation.id))
    )


def _view(
    reservation: MealReservation, article: MealArticle, cancellable: bool, wallet: WalletView | None
) -> ReservationView:
    assert reservation.id is not None and article.id is not None
    return ReservationView(
        id=reservation.id,
        child_id=reservation.child_id,
        day=reservation.day,
        article_id=article.id,
        article_name=article.name,
        price_cents=reservation.price_cents,
        status=reservation.status,
        cancellable=cancellable and reservation.status == ACTIVE,
        wallet=wallet,
    )
