"""The one place graphql_runtime touches what graphql-core and strawberry do not promise.

The engine builds on names these libraries keep to themselves (internal modules, methods
documented as private, attributes set by their code): a release may change any of them
without notice, switching a fast path off or breaking parking. So every such name is
imported or read here and nowhere else, the installed versions are checked when this module
is imported (another version stops the process at start, naming the supported ones), and
the tables at the end list each name with the shape the engine relies on, which
tests/graphql_runtime/test_compat.py checks one by one: `NAMES` (classes, functions,
constants), `METHODS` (what the engine overrides or calls on the classes it subclasses, with
their parameters: reached through the subclass, they cannot be imported from here),
`FINGERPRINTS` (bodies the engine repeats, like the fork of `execute_fields`, or relies on)
and `ATTRIBUTES` (what it reads or sets on their instances).
"""

import asyncio
import hashlib
import importlib
import inspect
from collections.abc import Callable, Coroutine, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from graphql import GraphQLSchema
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import AwaitableOrValue, Path, RefMap, gather_with_cancel
from starlette.websockets import WebSocket
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, validate_document
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.graphql import OperationType

# Exactly these: `make upgrade` (README, "Upgrading") says how to move them.
SUPPORTED = {"strawberry-graphql": "0.341.2", "graphql-core": "3.3.2"}


class UnsupportedLibraries(RuntimeError):
    """The installed graphql-core or strawberry is not the version the engine was built on."""


def installed_versions() -> dict[str, str]:
    found = {}
    for name in SUPPORTED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def check_versions(installed: Mapping[str, str] | None = None) -> None:
    installed = installed_versions() if installed is None else installed
    wrong = {name: installed.get(name) for name, wanted in SUPPORTED.items()}
    wrong = {name: found for name, found in wrong.items() if found != SUPPORTED[name]}
    if wrong:
        supported = ", ".join(f"{name}=={wanted}" for name, wanted in SUPPORTED.items())
        found = ", ".join(f"{name} {got}" for name, got in wrong.items())
        raise UnsupportedLibraries(
            f"graphql_runtime supports exactly {supported}; installed: {found}. Install from "
            "requirements.lock (`make install`), or move the pins as README's 'Upgrading' says."
        )


check_versions()

# -- graphql-core ---------------------------------------------------------------------------
# Executor's methods are documented as private; collect_fields and the executor module's
# helpers are internal.


def reset_event_memos(executor: Executor) -> None:
    """Give a per-event copy of a subscription's executor memos of its own (graphql-core
    shares the subscription's, which then grow by every event's entries)."""
    executor._relevant_sub_fields = {}
    executor._stream_usages = RefMap()


# -- strawberry -----------------------------------------------------------------------------
# Where strawberry keeps each GraphQL type's and field's definition (its extension key).
DEFINITION_KEY = GraphQLCoreConverter.DEFINITION_BACKREF
# The module and name of the is_type_of strawberry makes for a type (a plain isinstance
# check, or a cast check, that ignores its info argument).
STRAWBERRY_IS_TYPE_OF = ("strawberry.schema.schema_converter", "is_type_of")


def graphql_schema(schema: Any) -> GraphQLSchema:
    """The graphql-core schema a strawberry schema serves."""
    found: GraphQLSchema = schema._schema
    return found


def definition_of(graphql_thing: Any) -> Any:
    """strawberry's definition of a GraphQL field or type (None for one it did not make)."""
    return graphql_thing.extensions.get(DEFINITION_KEY)


def is_default_resolver(resolve: Any) -> bool:
    """Whether a GraphQL field's resolver is strawberry's attribute read (no resolver)."""
    return bool(getattr(resolve, "_is_default", False))


def is_strawberry_is_type_of(check: Any) -> bool:
    """Whether a type's is_type_of is none or the one strawberry makes."""
    return (
        check is None
        or (
            getattr(check, "__module__", None),
            getattr(check, "__name__", None),
        )
        == STRAWBERRY_IS_TYPE_OF
    )


def is_basic_field(definition: Any) -> bool:
    """A strawberry field that is a plain attribute: no resolver, no extension, no argument."""
    return bool(getattr(definition, "is_basic_field", False))


def attribute_reader(definition: Any) -> tuple[Callable[[Any, str], Any], str]:
    """How strawberry reads a basic field: its default resolver and the attribute's name."""
    return definition.default_resolver, definition.python_name


def resolver_function(definition: Any) -> Callable[..., Any] | None:
    """The function a strawberry field resolves with, as written (None for an attribute)."""
    resolver = getattr(definition, "base_resolver", None)
    found: Callable[..., Any] | None = getattr(resolver, "wrapped_func", None)
    return found


def field_extensions(definition: Any) -> Any:
    return getattr(definition, "extensions", None)


def type_origin(definition: Any) -> Any:
    """The class strawberry made a type from."""
    return getattr(definition, "origin", None)


def validation_rules_of(extension: Any) -> tuple[Any, ...]:
    """The rule classes a strawberry validation extension (QueryDepthLimiter...) adds."""
    return tuple(extension.validation_rules)


def websocket_of(handler: BaseGraphQLTransportWSHandler[Any, Any]) -> WebSocket:
    """The Starlette websocket under strawberry's ASGI websocket adapter."""
    socket: WebSocket = handler.websocket.ws  # type: ignore[attr-defined]
    return socket


def forget_init_timeout(handler: BaseGraphQLTransportWSHandler[Any, Any]) -> None:
    """Drop the handler's reference to its (cancelled) connection_init timeout task."""
    handler.connection_init_timeout_task = None


def start_operation(
    handler: BaseGraphQLTransportWSHandler[Any, Any],
    operation: Operation[Any, Any],
    running: Coroutine[Any, Any, None],
) -> None:
    """Run an operation's coroutine as its task, as strawberry's handle_subscribe does."""
    operation.task = asyncio.create_task(running)
    operation.task.add_done_callback(handler._task_done)


# -- the shapes relied on ---------------------------------------------------------------------
# tests/graphql_runtime/test_compat.py checks each entry against the installed libraries.


def fingerprint(function: Callable[..., Any]) -> str:
    """The first 16 hex digits of the sha256 of a function's source."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _named(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


_EXECUTOR = StrawberryGraphQLCoreExecutionContext
_HANDLER = BaseGraphQLTransportWSHandler

# Classes, functions and constants the engine imports or reads from internal modules.
NAMES: dict[str, Callable[[], Any]] = {
    "graphql.execution.Executor": lambda: Executor,
    "graphql.execution.collect_fields.FieldDetails": lambda: FieldDetails,
    "graphql.execution.collect_fields.FieldDetailsList": lambda: FieldDetailsList,
    "graphql.execution.collect_fields.GroupedFieldSet": lambda: GroupedFieldSet,
    "graphql.execution.executor.to_nodes": lambda: to_nodes,
    "graphql.pyutils.AwaitableOrValue": lambda: AwaitableOrValue,
    "graphql.pyutils.Path": lambda: Path,
    "graphql.pyutils.RefMap": lambda: RefMap,
    "graphql.pyutils.gather_with_cancel": lambda: gather_with_cancel,
    "strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext": lambda: _EXECUTOR,
    "strawberry.schema.schema.validate_document": lambda: validate_document,
    "strawberry.schema.schema_converter.GraphQLCoreConverter.DEFINITION_BACKREF": lambda: (
        DEFINITION_KEY
    ),
    "strawberry.types.cast.TYPE_CAST_ATTRIBUTE": lambda: TYPE_CAST_ATTRIBUTE,
    "strawberry.subscriptions...graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler": (
        lambda: _HANDLER
    ),
    "strawberry.subscriptions...graphql_transport_ws.handlers.Operation": lambda: Operation,
    "strawberry.subscriptions...graphql_transport_ws.types.ConnectionInitMessage": lambda: (
        ConnectionInitMessage
    ),
    "strawberry.subscriptions...graphql_transport_ws.types.SubscribeMessage": lambda: (
        SubscribeMessage
    ),
    "strawberry.subscriptions...graphql_transport_ws.types.Message": lambda: Message,
    "strawberry.http.exceptions.WebSocketDisconnected": lambda: WebSocketDisconnected,
    "strawberry.types.graphql.OperationType": lambda: OperationType,
    "strawberry.types.execution.ExecutionContext": lambda: _named(
        "strawberry.types.execution", "ExecutionContext"
    ),
    "strawberry.types.field.StrawberryField": lambda: _named(
        "strawberry.types.field", "StrawberryField"
    ),
    "strawberry.types.fields.resolver.StrawberryResolver": lambda: _named(
        "strawberry.types.fields.resolver", "StrawberryResolver"
    ),
    "strawberry.types.base.StrawberryObjectDefinition": lambda: _named(
        "strawberry.types.base", "StrawberryObjectDefinition"
    ),
    "strawberry.extensions.AddValidationRules": lambda: _named(
        "strawberry.extensions", "AddValidationRules"
    ),
    "strawberry.asgi.ASGIWebSocketAdapter": lambda: _named(
        "strawberry.asgi", "ASGIWebSocketAdapter"
    ),
    "strawberry.http.async_base_view.AsyncBaseHTTPView": lambda: _named(
        "strawberry.http.async_base_view", "AsyncBaseHTTPView"
    ),
    # is_type_of recognised as strawberry's by its __module__ and __name__.
    "strawberry is_type_of (__module__, __name__)": lambda: STRAWBERRY_IS_TYPE_OF,
}

# Methods the engine overrides or calls, by owner, with their parameters in order.
METHODS: dict[tuple[type, str], tuple[str, ...]] = {
    (Executor, "execute_fields"): (
        "self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"
    ),
    (Executor, "execute_field"): (
        "self", "parent_type", "source", "field_details_list", "path", "position_context"
    ),
    (Executor, "complete_value"): (
        "self", "return_type", "field_details_list", "info", "path", "result", "position_context"
    ),
    (Executor, "complete_leaf_value"): ("return_type", "result"),
    (Executor, "complete_object_value"): (
        "self", "return_type", "field_details_list", "info", "path", "result", "position_context"
    ),
    (Executor, "collect_subfields"): ("self", "return_type", "field_details_list"),
    (Executor, "handle_field_error"): (
        "self", "raw_error", "return_type", "field_details_list", "path"
    ),
    (Executor, "settle_in_background"): ("self", "awaitables"),
    (Executor, "execute_operation"): ("self", "serially"),
    (Executor, "build_per_event_executor"): ("self", "payload"),
    (_EXECUTOR, "build_resolve_info"): ("self", "field_def", "field_nodes", "parent_type", "path"),
    (_HANDLER, "handle_connection_init"): ("self", "message"),
    (_HANDLER, "handle_subscribe"): ("self", "message"),
    (_HANDLER, "run_operation"): ("self", "operation"),
    (_HANDLER, "cleanup_operation"): ("self", "operation_id"),
    (_HANDLER, "send_message"): ("self", "message"),
    (_HANDLER, "_task_done"): ("self", "task"),
    (Operation, "send_next"): ("self", "execution_result"),
}  # fmt: skip

# Bodies the engine repeats or relies on, by owner: a change is to be read before moving on.
FINGERPRINTS: dict[tuple[type, str], str] = {
    # PlainFieldsExecutor.execute_fields is a fork of it.
    (Executor, "execute_fields"): "797f54fbd779b4e3",
    # Plain fields answer what it answers for an attribute; _complete_plain_object repeats
    # its second half.
    (Executor, "execute_field"): "5281dc836ecc24a0",
    # Plain leaves are serialised, and plain objects checked, as these do.
    (Executor, "complete_leaf_value"): "a8c54d5838ad9753",
    (Executor, "complete_object_value"): "55e77f58eca1ddc4",
    # A shallow copy sharing the subscription's memos (execution/per_event.py).
    (Executor, "build_per_event_executor"): "e42b7eb17861c1b7",
    # The operation is made from the message, which is not read afterwards.
    (_HANDLER, "handle_subscribe"): "d69e5dbce9e38a16",
    # A BaseException (Parked) raised by the stream passes through unhandled.
    (_HANDLER, "run_operation"): "e760cd71eb37905f",
    # The `next` frame's layout, which shared frames repeat byte for byte.
    (Operation, "send_next"): "e7c949ea1d1a459e",
}

# Attributes the engine reads or sets on instances, by the name of their class in NAMES (the
# tests check them on real instances).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "graphql.execution.Executor": (
        "_relevant_sub_fields",
        "_stream_usages",
        "fragment_definitions",
        "fragments",
        "is_awaitable",
        "middleware_manager",
        "operation",
        "root_value",
        "schema",
        "variable_values",
    ),
    "graphql.execution.collect_fields.FieldDetails": (
        "defer_usage",
        "fragment_variable_values",
        "node",
    ),
    "strawberry.types.field.StrawberryField": (
        "base_resolver",
        "default_resolver",
        "extensions",
        "is_basic_field",
        "python_name",
    ),
    "strawberry.types.fields.resolver.StrawberryResolver": ("wrapped_func",),
    "strawberry.types.base.StrawberryObjectDefinition": ("origin",),
    "strawberry.extensions.AddValidationRules": ("validation_rules",),
    "strawberry.subscriptions...graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler": (
        "connection_init_timeout_task",
        "operations",
        "websocket",
    ),
    "strawberry.subscriptions...graphql_transport_ws.handlers.Operation": (
        "completed",
        "handler",
        "id",
        "task",
    ),
    "strawberry.asgi.ASGIWebSocketAdapter": ("ws",),
    # What a schema extension's hooks read and set (limits.py, loaders.py).
    "strawberry.types.execution.ExecutionContext": (
        "context",
        "graphql_document",
        "operation_type",
        "parse_options",
        "pre_execution_errors",
        "query",
        "schema",
        "validation_rules",
    ),
    "strawberry.http.async_base_view.AsyncBaseHTTPView": ("graphql_transport_ws_handler_class",),
    # Instances of these are not classes of NAMES: a strawberry Schema and a basic field's
    # GraphQL resolver.
    "strawberry.Schema": ("_schema",),
    "strawberry basic field resolver": ("_is_default",),
}
