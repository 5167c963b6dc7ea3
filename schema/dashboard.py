"""A child's dashboard: everything of the parent's home page for one child, in one query.

Its wallets, upcoming events and unread documents are the child's own fields' (the same
functions and DataLoaders: asking for `wallets` on the child and on its dashboard reads them
once); its modules and recent money lists are its own, batched per operation.
"""

from collections.abc import Sequence

import strawberry

from graphql_runtime.public import loader
from schema.access import actor_of
from schema.billing import ChildInvoices, Invoice, open_invoices
from schema.context import Info
from schema.documents import Document, latest_unread
from schema.errors import InvalidArgumentError
from schema.events import Event, upcoming_events
from schema.sales import Device, Sale
from schema.schools import school_view
from schema.wallets import Operation, Wallet, child_wallets
from services.dashboard.modules import enabled_modules
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime
from services.wallets import recent
from services.wallets.recent import RecentOperation, RecentSale

MAX_RECENT = 50


@strawberry.type(
    description="Every list is batched across children: a page showing several children "
    "costs the same number of database statements as one child."
)
class Dashboard:
    child_id: strawberry.Private[int]
    school_id: strawberry.Private[int]
    owner: strawberry.Private[ChildInvoices]  # the Child this dashboard is of

    @strawberry.field(
        description="The modules the school offers, in this order when enabled: balances, "
        "operations, sales, documents, events (always), meals, meetings, photos (school switches)."
    )
    async def modules(self, info: Info) -> list[str]:
        return enabled_modules(await school_view(info, self.school_id))

    @strawberry.field
    async def wallets(self, info: Info) -> list[Wallet]:
        return await child_wallets(info, self.child_id)

    @strawberry.field(
        description="School events and parent meetings not over yet, and the meals reserved "
        "for tomorrow, soonest first (at most 50)."
    )
    async def upcoming_events(self, info: Info, limit: int | None = 5) -> list[Event]:
        limit = 5 if limit is None else limit
        return await upcoming_events(info, self.child_id, self.school_id, limit)

    @strawberry.field(
        description="The newest documents the signed-in user has not read (at most 100)."
    )
    async def unread_documents(self, info: Info, limit: int | None = 5) -> list[Document]:
        return await latest_unread(info, self.child_id, 5 if limit is None else limit)

    @strawberry.field(
        description="The latest movements of the child's wallets, newest first, however old "
        "(at most 50)."
    )
    async def recent_operations(self, info: Info, limit: int | None = 5) -> list[Operation]:
        key = (actor_of(info), self.child_id, _checked(5 if limit is None else limit))
        return [
            Operation.from_view(item.operation, Wallet.from_view(item.wallet))
            for item in await loader(info, _recent_operations).load(key)
        ]

    @strawberry.field(
        description="The latest purchases (one per sale line), newest first, however old "
        "(at most 50)."
    )
    async def recent_sales(self, info: Info, limit: int | None = 5) -> list[Sale]:
        key = (actor_of(info), self.child_id, _checked(5 if limit is None else limit))
        return [
            Sale.from_view(item.sale, Wallet.from_view(item.wallet), Device.from_view(item.device))
            for item in await loader(info, _recent_sales).load(key)
        ]

    @strawberry.field(description="OPEN and OVERDUE invoices, oldest due date first (at most 50).")
    async def open_invoices(self, info: Info, limit: int | None = 5) -> list[Invoice]:
        wanted = _checked(5 if limit is None else limit)
        return await open_invoices(info, self.owner, wanted)


@strawberry.type
class ChildDashboard:
    """The dashboard field of Child (schema/family.py)."""

    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field(description="Everything of the child's home page.")
    def dashboard(self) -> Dashboard:
        # To Python a ChildDashboard; it is the whole Child (schema/family.py), with its invoices.
        owner: ChildInvoices = self  # type: ignore[assignment]
        return Dashboard(child_id=self.db_id, school_id=self.school_id, owner=owner)


def _checked(limit: int) -> int:
    if not 0 <= limit <= MAX_RECENT:
        raise InvalidArgumentError("limit")
    return limit


async def _recent_operations(
    runtime: Runtime, keys: Sequence[ChildKey]
) -> list[list[RecentOperation]]:
    return await batched_per_child(runtime, keys, recent.recent_operations)


async def _recent_sales(runtime: Runtime, keys: Sequence[ChildKey]) -> list[list[RecentSale]]:
    return await batched_per_child(runtime, keys, recent.recent_sales)
