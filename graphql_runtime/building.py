"""A schema built for serving: the strawberry schema with the engine's hooks, the executor and
the websocket handler that go with it, the caches they keep and the probes that count their
fast paths. Built once per app; nothing of it lives in a module.

`executor="fast"` (the default) serves operations with the engine's executor (plain fields,
shared events executed once per selection) and its graphql-transport-ws handler (shared frames,
parked subscriptions). `executor="stock"` serves them with strawberry's and graphql-core's own
executor and handler, everything else alike (limits, loaders, read scope, error masking): the
reference the fast path is compared with, and the fallback when a library upgrade breaks it.
"""

from dataclasses import dataclass
from typing import Any, Literal, get_args

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from graphql_runtime.compat import BaseGraphQLTransportWSHandler, graphql_schema
from graphql_runtime.execution.caches import ExecutionCaches
from graphql_runtime.execution.plain_fields import executor_for
from graphql_runtime.hooks import ErrorClasses, OperationHooks, limit_rules, masked_unless
from graphql_runtime.limits import DocumentCache
from graphql_runtime.live.transport import SharedFramesHandler
from graphql_runtime.loaders import OperationScope
from graphql_runtime.probes import Probes
from graphql_runtime.viewer_independence import shared_subscription_fields

ExecutorKind = Literal["fast", "stock"]
EXECUTOR_KINDS: tuple[str, ...] = get_args(ExecutorKind)


@dataclass(frozen=True)
class Limits:
    """What one document may ask: depth, aliases, tokens; introspection off in production."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    introspection: bool = True


@dataclass(frozen=True)
class BuiltSchema:
    schema: strawberry.Schema
    # The graphql-transport-ws handler class to serve it with (strawberry's view attribute
    # `graphql_transport_ws_handler_class`).
    websocket_handler: type[BaseGraphQLTransportWSHandler[Any, Any]]
    probes: Probes
    executor: ExecutorKind


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    executor: ExecutorKind = "fast",
    limits: Limits | None = None,
    suggestions: bool = True,
    expected_errors: ErrorClasses = (),
    operation_scope: OperationScope | None = None,
) -> BuiltSchema:
    """`expected_errors`: exception classes whose message a client reads (all others are
    masked); `operation_scope`: opens what an operation's reads share (loaders.py). Raises
    ViewerDependentOutput when a subscription sharing its events reaches a field not declared
    viewer-independent (viewer_independence.py)."""
    if executor not in EXECUTOR_KINDS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTOR_KINDS)}, not {executor!r}")
    limits = limits or Limits()
    probes = Probes()
    rules = limit_rules(limits.max_depth, limits.max_aliases, limits.introspection)
    documents = DocumentCache()
    masked = masked_unless(expected_errors)

    def hooks() -> SchemaExtension:
        return OperationHooks(limits.max_tokens, rules, documents, masked, operation_scope)

    caches = ExecutionCaches(probes) if executor == "fast" else None
    schema = strawberry.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=[hooks],
        execution_context_class=None if caches is None else executor_for(caches),
        config=StrawberryConfig(disable_field_suggestions=not suggestions),
    )
    shared = shared_subscription_fields(graphql_schema(schema))
    if caches is None:
        return BuiltSchema(schema, BaseGraphQLTransportWSHandler, probes, executor)
    caches.shared_fields = shared
    handler = type("SharedFramesHandler", (SharedFramesHandler,), {"probes": probes})
    return BuiltSchema(schema, handler, probes, executor)
