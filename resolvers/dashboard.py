"""A child's dashboard: its modules and its recent money lists, batched per operation.

The other lists of the dashboard are the children's own fields (wallets, upcoming events,
unread documents) and share their DataLoaders: asking for `wallets` on the child and on its
dashboard reads them once.
"""

from collections.abc import Sequence

from graphql_runtime.public import loader
from resolvers import wallet_mapping as mapping
from resolvers.common import actor_of
from resolvers.family import schools_by_id
from schema.context import Info
from schema.errors import InvalidArgumentError
from schema.sales import Sale
from schema.wallets import Operation
from services.dashboard.modules import enabled_modules
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime
from services.wallets import recent as wallet_recent
from services.wallets.recent import RecentOperation, RecentSale

MAX_RECENT = 50


async def _recent_operations(
    runtime: Runtime, keys: Sequence[ChildKey]
) -> list[list[RecentOperation]]:
    return await batched_per_child(runtime, keys, wallet_recent.recent_operations)


async def _recent_sales(runtime: Runtime, keys: Sequence[ChildKey]) -> list[list[RecentSale]]:
    return await batched_per_child(runtime, keys, wallet_recent.recent_sales)


def _checked(limit: int) -> int:
    if not 0 <= limit <= MAX_RECENT:
        raise InvalidArgumentError("limit")
    return limit


class DashboardResolvers:
    """Implements schema.dashboard.DashboardApi (children are already access-checked)."""

    async def modules(self, info: Info, school_id: int) -> list[str]:
        return enabled_modules(await loader(info, schools_by_id).load(school_id))

    async def recent_operations(self, info: Info, child_id: int, limit: int) -> list[Operation]:
        key = (actor_of(info), child_id, _checked(limit))
        return [
            mapping.operation_type(item.operation, mapping.wallet_type(item.wallet))
            for item in await loader(info, _recent_operations).load(key)
        ]

    async def recent_sales(self, info: Info, child_id: int, limit: int) -> list[Sale]:
        key = (actor_of(info), child_id, _checked(limit))
        return [
            mapping.sale_type(
                item.sale, mapping.wallet_type(item.wallet), mapping.device_type(item.device)
            )
            for item in await loader(info, _recent_sales).load(key)
        ]
