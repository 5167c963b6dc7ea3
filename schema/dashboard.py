"""A child's dashboard: everything of the parent's home page for one child, in one query."""

from typing import Protocol

import strawberry

from schema.context import Info
from schema.documents import Document, latest_unread
from schema.events import Event, upcoming_events
from schema.sales import Sale
from schema.wallets import Operation, Wallet, child_wallets


@strawberry.type(
    description="Every list is batched across children: a page showing several children "
    "costs the same number of database statements as one child."
)
class Dashboard:
    child_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field(
        description="The modules the school offers, in this order when enabled: balances, "
        "operations, sales, documents, events (always), meals, meetings, photos (school switches)."
    )
    async def modules(self, info: Info) -> list[str]:
        return await info.context.api.dashboard.modules(info, self.school_id)

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
        return await info.context.api.dashboard.recent_operations(
            info, self.child_id, 5 if limit is None else limit
        )

    @strawberry.field(
        description="The latest purchases (one per sale line), newest first, however old "
        "(at most 50)."
    )
    async def recent_sales(self, info: Info, limit: int | None = 5) -> list[Sale]:
        return await info.context.api.dashboard.recent_sales(
            info, self.child_id, 5 if limit is None else limit
        )


class DashboardApi(Protocol):
    async def modules(self, info: Info, school_id: int) -> list[str]: ...
    async def recent_operations(self, info: Info, child_id: int, limit: int) -> list[Operation]: ...
    async def recent_sales(self, info: Info, child_id: int, limit: int) -> list[Sale]: ...


@strawberry.type
class ChildDashboard:
    """The dashboard field of Child (schema/family.py)."""

    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field(description="Everything of the child's home page.")
    def dashboard(self) -> Dashboard:
        return Dashboard(child_id=self.db_id, school_id=self.school_id)
