"""What the app and its domain code (server, schema/, resolvers/) use of the engine; the rest
of graphql_runtime is its own (an import contract in pyproject.toml keeps it so)."""

from graphql_runtime.building import (
    EXECUTOR_KINDS,
    BuiltSchema,
    ExecutorKind,
    Limits,
    build_schema,
)
from graphql_runtime.execution.known import known_or_loaded, returns_known
from graphql_runtime.live.follow import SubscriptionClosed, follow
from graphql_runtime.loaders import OperationScope, loader
from graphql_runtime.probes import Probes
from graphql_runtime.viewer_independence import (
    ViewerDependentOutput,
    shares_events,
    viewer_independent,
)

__all__ = [
    "EXECUTOR_KINDS",
    "BuiltSchema",
    "ExecutorKind",
    "Limits",
    "OperationScope",
    "Probes",
    "SubscriptionClosed",
    "ViewerDependentOutput",
    "build_schema",
    "follow",
    "known_or_loaded",
    "loader",
    "returns_known",
    "shares_events",
    "viewer_independent",
]
