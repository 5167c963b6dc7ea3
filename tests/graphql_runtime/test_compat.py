"""The compatibility seam: the installed graphql-core and strawberry are the supported ones (or
the process refuses to start, saying which), and every private name the engine relies on is
there with the shape it expects."""

import inspect
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, parse
from graphql import build_schema as parse_sdl
from strawberry.extensions import QueryDepthLimiter

from graphql_runtime import compat
from graphql_runtime.compat import ATTRIBUTES, FINGERPRINTS, METHODS, NAMES
from resolvers.root import build_schema

ROOT = Path(__file__).resolve().parents[2]
STRAWBERRY_HANDLER = (
    "strawberry.subscriptions...graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler"
)
STRAWBERRY_OPERATION = "strawberry.subscriptions...graphql_transport_ws.handlers.Operation"


def test_the_installed_versions_are_the_supported_ones() -> None:
    assert compat.installed_versions() == compat.SUPPORTED
    compat.check_versions()


def test_another_version_is_refused_naming_the_supported_ones() -> None:
    with pytest.raises(compat.UnsupportedLibraries) as refused:
        compat.check_versions({"strawberry-graphql": "0.342.0", "graphql-core": "3.3.2"})
    message = str(refused.value)
    assert "strawberry-graphql==0.341.2" in message
    assert "graphql-core==3.3.2" in message
    assert "strawberry-graphql 0.342.0" in message


def test_the_server_does_not_start_on_another_strawberry() -> None:
    """`import server` (what every way of starting the app does) with strawberry reporting
    another version: the process stops at once with the message."""
    program = (
        "import importlib.metadata as metadata\n"
        "real = metadata.version\n"
        "metadata.version = lambda name: '0.400.0' if name == 'strawberry-graphql' else real(name)\n"
        "import server\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "UnsupportedLibraries" in done.stderr
    assert "strawberry-graphql==0.341.2" in done.stderr
    assert "strawberry-graphql 0.400.0" in done.stderr


@pytest.mark.parametrize("name", sorted(NAMES))
def test_each_private_name_exists(name: str) -> None:
    assert NAMES[name]() is not None


@pytest.mark.parametrize(("owner", "method"), sorted(METHODS, key=str), ids=lambda v: str(v))
def test_each_method_has_the_parameters_relied_on(owner: type, method: str) -> None:
    found = getattr(owner, method)
    assert tuple(inspect.signature(found).parameters) == METHODS[owner, method]


@pytest.mark.parametrize(("owner", "method"), sorted(FINGERPRINTS, key=str), ids=lambda v: str(v))
def test_each_body_relied_on_is_unchanged(owner: type, method: str) -> None:
    """A changed body may still have the same parameters: read it, adapt the engine (the fork
    of execute_fields first), then update the fingerprint."""
    assert compat.fingerprint(getattr(owner, method)) == FINGERPRINTS[owner, method]


def object_type(schema: GraphQLSchema, name: str) -> GraphQLObjectType:
    found = schema.type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def _instances() -> dict[str, Any]:
    """A real instance of each class whose attributes the engine reads or sets."""
    built = build_schema()
    schema = compat.graphql_schema(built.schema)
    meeting = object_type(schema, "Meeting")
    slot_event = object_type(schema, "SlotEvent")
    executor_class = NAMES["graphql.execution.Executor"]()
    executor = executor_class.build(parse_sdl("type Query { a: Int }"), parse("{ a }"))
    handler = NAMES[STRAWBERRY_HANDLER]()(
        view=None,
        websocket=None,
        context=None,
        root_value=None,
        schema=built.schema,
        connection_init_wait_timeout=timedelta(seconds=1),
    )
    field_details = NAMES["graphql.execution.collect_fields.FieldDetails"]()
    adapter = NAMES["strawberry.asgi.ASGIWebSocketAdapter"]()
    return {
        "graphql.execution.Executor": executor,
        "graphql.execution.collect_fields.FieldDetails": field_details(None, None),
        "strawberry.types.field.StrawberryField": compat.definition_of(meeting.fields["title"]),
        "strawberry.types.fields.resolver.StrawberryResolver": compat.definition_of(
            meeting.fields["schedule"]
        ).base_resolver,
        "strawberry.types.base.StrawberryObjectDefinition": compat.definition_of(meeting),
        "strawberry.extensions.AddValidationRules": QueryDepthLimiter(max_depth=3),
        STRAWBERRY_HANDLER: handler,
        STRAWBERRY_OPERATION: NAMES[STRAWBERRY_OPERATION]()(handler, "1", "{ a }", None, None),
        "strawberry.asgi.ASGIWebSocketAdapter": adapter(None, None, object()),
        "strawberry.http.async_base_view.AsyncBaseHTTPView": NAMES[
            "strawberry.http.async_base_view.AsyncBaseHTTPView"
        ](),
        "strawberry.Schema": built.schema,
        "strawberry.types.execution.ExecutionContext": NAMES[
            "strawberry.types.execution.ExecutionContext"
        ]()(query="{ a }", schema=built.schema, allowed_operations=()),
        "strawberry basic field resolver": slot_event.fields["sequence"].resolve,
    }


@pytest.mark.parametrize("owner", sorted(ATTRIBUTES))
def test_each_instance_has_the_attributes_relied_on(owner: str) -> None:
    instance = _instances()[owner]
    # dir(), not hasattr(): a property (ExecutionContext.operation_type) is not run.
    missing = [name for name in ATTRIBUTES[owner] if name not in dir(instance)]
    assert missing == []


def test_strawberry_is_type_of_and_basic_resolvers_are_recognised() -> None:
    """The two internals recognised by their marks, on a schema strawberry makes."""

    @strawberry.type
    class Thing:
        name: str

        @strawberry.field
        def shout(self) -> str:
            return self.name.upper()

    @strawberry.type
    class Query:
        things: list[Thing]

    thing = object_type(compat.graphql_schema(strawberry.Schema(query=Query)), "Thing")
    assert compat.is_strawberry_is_type_of(thing.is_type_of)
    fields = thing.fields
    assert compat.is_default_resolver(fields["name"].resolve)
    assert not compat.is_default_resolver(fields["shout"].resolve)
    assert compat.is_basic_field(compat.definition_of(fields["name"]))
    shout = compat.resolver_function(compat.definition_of(fields["shout"]))
    assert shout is not None and shout.__name__ == "shout"
    assert compat.type_origin(compat.definition_of(thing)) is Thing
