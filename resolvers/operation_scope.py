"""The read scope of one GraphQL operation (graphql_runtime's OperationScope): a query's reads
share one database session (services.sql.uow.SharedRead), the one the HTTP request's
authentication read with when there is one; anything else reads apart."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from services.sql.uow import SharedRead

# Where an HTTP request keeps the read session its authentication opened (in its ASGI scope),
# for its query to read with; whoever ends up not using it closes it (resolvers.endpoint too).
OPENED_READ_KEY = "cartable.opened_read"


def opened_read(context: Any) -> SharedRead | None:
    """The read session the request's authentication opened, taken from the request."""
    request = getattr(context, "request", None)
    scope = getattr(request, "scope", None)
    found = scope.pop(OPENED_READ_KEY, None) if isinstance(scope, dict) else None
    return found if isinstance(found, SharedRead) else None


@asynccontextmanager
async def operation_scope(context: Any, query: bool) -> AsyncIterator[None]:
    runtime = getattr(context, "runtime", None)
    opened = opened_read(context)
    if runtime is None or not query:
        if opened is not None:
            await opened.close()
        yield
        return
    async with runtime.transactions.one_read_session(opened):
        yield
