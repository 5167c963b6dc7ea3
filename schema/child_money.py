"""What a child's money adds to `Child`, and what these types ask of the resolvers."""

from typing import Protocol

import strawberry

from schema.context import Info
from schema.sales import Device, SaleConnection, SaleFilter
from schema.wallets import OperationConnection, OperationFilter, Wallet


@strawberry.type
class ChildWallets:
    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field
    async def wallets(self, info: Info) -> list[Wallet]:
        return await info.context.api.wallets.child_wallets(info, self.db_id)

    @strawberry.field(description="Every movement of the child's wallets, newest first.")
    async def operations(
        self,
        info: Info,
        filter: OperationFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> OperationConnection:
        return await info.context.api.wallets.operations(
            info, self.school_id, self.db_id, filter, 50 if first is None else first, after
        )

    @strawberry.field(description="What the child bought at the school's devices, newest first.")
    async def sales(
        self,
        info: Info,
        filter: SaleFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> SaleConnection:
        return await info.context.api.wallets.sales(
            info, self.school_id, self.db_id, filter, 50 if first is None else first, after
        )


class WalletsApi(Protocol):
    async def child_wallets(self, info: Info, child_id: int) -> list[Wallet]: ...
    async def wallet(self, info: Info, wallet_id: int) -> Wallet: ...
    async def device(self, info: Info, device_id: int) -> Device: ...
    async def operations(
        self,
        info: Info,
        school_id: int,
        child_id: int,
        filter: OperationFilter | None,
        first: int,
        after: str | None,
    ) -> OperationConnection: ...
    async def sales(
        self,
        info: Info,
        school_id: int,
        child_id: int,
        filter: SaleFilter | None,
        first: int,
        after: str | None,
    ) -> SaleConnection: ...
