"""Shared events are checked, not trusted.

A subscription that shares its events (`follow(..., shared_as=...)`) executes each event once
per selection and writes the same frame to every watcher: a field of its payload that read the
viewer would send one family's data to every other family. So such a subscription is declared
(`@shares_events` on its resolver), and when the schema is built everything its payload can
reach must be declared viewer-independent:

- every object type reached, by `@viewer_independent` on its class: its plain fields (attributes
  without a resolver) then qualify, since they hold what the event object was built with, once
  per process, from the event alone;
- every field with a resolver of such a type, by `@viewer_independent` on the resolver function:
  a resolver receives `info`, and with it the viewer.

Anything else stops the build with an error naming each undeclared field. The executor refuses,
at run time, to share the events of a subscription that is not declared
(execution/shared_execution.py), so that no sharing escapes this check.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
    is_abstract_type,
    is_object_type,
)

from graphql_runtime.compat import (
    definition_of,
    is_basic_field,
    is_default_resolver,
    resolver_function,
    type_origin,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

VIEWER_INDEPENDENT = "__viewer_independent__"
SHARES_EVENTS = "__shares_events__"


class ViewerDependentOutput(TypeError):
    """A shared subscription can reach a field not declared viewer-independent."""


def viewer_independent(declared: T) -> T:
    """Declares a strawberry type (its plain fields) or a resolver to answer the same for every
    viewer, so that a shared subscription's payload may show it."""
    setattr(declared, VIEWER_INDEPENDENT, True)
    return declared


def shares_events(resolver: F) -> F:
    """Declares a subscription resolver whose events are shared (`follow(shared_as=...)`):
    everything its payload shows must then be declared viewer-independent."""
    setattr(resolver, SHARES_EVENTS, True)
    return resolver


def shared_subscription_fields(schema: GraphQLSchema) -> frozenset[str]:
    """The Subscription fields declared to share their events; raises ViewerDependentOutput,
    naming every field they reach that is not declared viewer-independent."""
    subscription = schema.subscription_type
    if subscription is None:
        return frozenset()
    shared: set[str] = set()
    problems: list[str] = []
    seen: set[GraphQLObjectType] = set()
    for name, field in subscription.fields.items():
        if getattr(resolver_function(definition_of(field)), SHARES_EVENTS, False):
            shared.add(name)
            problems += _undeclared(schema, field.type, f"Subscription.{name}", seen)
    if problems:
        raise ViewerDependentOutput(
            "a subscription that shares its events shows every watcher the same frame, so all "
            "it reaches must be declared @viewer_independent; not declared: " + "; ".join(problems)
        )
    return frozenset(shared)


def _undeclared(
    schema: GraphQLSchema, output: GraphQLOutputType, reached_by: str, seen: set[GraphQLObjectType]
) -> list[str]:
    named = get_named_type(output)
    if is_abstract_type(named):
        candidates: list[Any] = list(schema.get_possible_types(named))
    elif is_object_type(named):
        candidates = [named]
    else:
        return []  # a scalar or an enum: the field that holds it was checked
    problems: list[str] = []
    for object_type in candidates:
        if object_type in seen:
            continue
        seen.add(object_type)
        origin = type_origin(definition_of(object_type))
        if not (isinstance(origin, type) and origin.__dict__.get(VIEWER_INDEPENDENT)):
            problems.append(f"{reached_by} (its type {object_type.name})")
            continue
        for name, field in object_type.fields.items():
            where = f"{object_type.name}.{name}"
            if not _declared_field(field):
                problems.append(f"{where} (a resolver)")
            problems += _undeclared(schema, field.type, where, seen)
    return problems


def _declared_field(field: GraphQLField) -> bool:
    definition = definition_of(field)
    if is_basic_field(definition) and is_default_resolver(field.resolve) and not field.args:
        return True
    return bool(getattr(resolver_function(definition), VIEWER_INDEPENDENT, False))
