"""The school calendar (closed days) and the feature switches."""

import datetime as dt
from typing import Annotated

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.calendar import ClassMoveInput, ClassMovesPayload, ClosedPeriodPayload, LeaverPayload
from schema.context import Info
from schema.errors import catches_user_errors, refused
from schema.events import Event
from schema.family import Child, ChildPayload
from schema.schools import School, SchoolPayload
from services.common.errors import DomainError
from services.school import calendar, leavers, leaving, year

FromDate = Annotated[dt.date, strawberry.argument(name="from")]


@strawberry.type
class Query:
    @strawberry.field(description="The school's days without school in the period.")
    async def closed_days(self, info: Info, from_: FromDate, to: dt.date) -> list[dt.date]:
        actor = actor_of(info)
        try:
            return await read(info, lambda s: calendar.closed_days(s, actor, from_, to))
        except DomainError as error:
            raise refused(info, error) from error


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Staff: close the school days of a period (holidays, pedagogical days): "
        "meals cannot be booked, booked ones are refunded, families see a holiday event."
    )
    @catches_user_errors(ClosedPeriodPayload)
    async def close_school_days(
        self, info: Info, from_: FromDate, to: dt.date, title: str
    ) -> ClosedPeriodPayload:
        actor = actor_of(info)
        period = await run(
            info,
            lambda uow: calendar.close_school_days(uow, actor, first=from_, last=to, title=title),
        )
        return ClosedPeriodPayload(
            closed_days=period.days,
            refunded_reservations=period.refunded,
            event=Event.from_view(period.event),
        )

    @strawberry.mutation(description="Staff: switch modules on or off; omitted ones stay.")
    @catches_user_errors(SchoolPayload)
    async def set_school_features(
        self,
        info: Info,
        meals: bool | None = None,
        photos: bool | None = None,
        meetings: bool | None = None,
        online_top_up: bool | None = None,
        bank_transfer_top_up: bool | None = None,
        internal_transfer: bool | None = None,
        pay_invoice_from_wallet: bool | None = None,
    ) -> SchoolPayload:
        actor = actor_of(info)
        given = {
            "meals": meals,
            "photos": photos,
            "meetings": meetings,
            "online_top_up": online_top_up,
            "bank_transfer_top_up": bank_transfer_top_up,
            "internal_transfer": internal_transfer,
            "pay_invoice_from_wallet": pay_invoice_from_wallet,
        }
        changes = {name: value for name, value in given.items() if value is not None}
        school = await run(info, lambda uow: calendar.set_features(uow, actor, changes))
        return SchoolPayload(school=School.from_view(school))

    @strawberry.mutation(
        description="Staff, at the year's change: every child of a `from` class goes to its "
        "`to` class, all at once; wallets and communications stay."
    )
    @catches_user_errors(ClassMovesPayload)
    async def move_classes(self, info: Info, moves: list[ClassMoveInput]) -> ClassMovesPayload:
        actor = actor_of(info)
        wanted = [year.ClassMove(m.old, m.new) for m in moves]
        moved = await run(info, lambda uow: year.move_classes(uow, actor, wanted))
        return ClassMovesPayload(moved=moved)

    @strawberry.mutation(
        description="Staff: empty a leaver's wallets, refunded to a guardian's IBAN (a bank "
        "refund recorded in the journal) or moved to a sibling's wallets."
    )
    @catches_user_errors(LeaverPayload)
    async def settle_leaver(
        self,
        info: Info,
        child_id: strawberry.ID,
        idempotency_key: str,
        iban: str | None = None,
        sibling_id: strawberry.ID | None = None,
    ) -> LeaverPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        sibling = None if sibling_id is None else require_id(sibling_id, "Child", "siblingId")
        moved = await run(
            info,
            lambda uow: leavers.settle_leaver(
                uow,
                actor,
                child_id=child,
                iban=iban,
                sibling_id=sibling,
                idempotency_key=idempotency_key,
            ),
        )
        return LeaverPayload(moved_cents=moved)

    @strawberry.mutation(
        description="Staff: the child leaves the school today; its guardians keep reading its "
        "history for the school's `leaverAccessDays`, then it is NOT_FOUND to them."
    )
    @catches_user_errors(ChildPayload)
    async def mark_leaver(self, info: Info, child_id: strawberry.ID) -> ChildPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        row = await run(info, lambda uow: leaving.mark_leaver(uow, actor, child))
        return ChildPayload(child=Child.from_view(row))

    @strawberry.mutation(
        description="Staff: how many days leavers' guardians keep reading their history "
        "(0 to 3650); applies to current leavers too."
    )
    @catches_user_errors(SchoolPayload)
    async def set_leaver_access_days(self, info: Info, days: int) -> SchoolPayload:
        actor = actor_of(info)
        school = await run(info, lambda uow: leaving.set_leaver_access_days(uow, actor, days))
        return SchoolPayload(school=School.from_view(school))
