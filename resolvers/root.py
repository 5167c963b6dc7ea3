"""One schema from every domain's Query, Mutation and Subscription, built by graphql_runtime."""

from strawberry.tools import merge_types

from graphql_runtime.public import BuiltSchema, ExecutorKind, Limits
from graphql_runtime.public import build_schema as build
from resolvers import (
    accounts,
    audit,
    banking,
    billing,
    calendar,
    directory,
    documents,
    events,
    family,
    gdpr,
    mail_preferences,
    meals,
    meetings,
    node,
    photos,
    published_documents,
    sales,
    totp,
    wallet_mutations,
    wallets,
)
from resolvers.operation_scope import operation_scope
from schema.errors import (
    InvalidArgumentError,
    RefusedError,
    UnauthenticatedError,
)

Query = merge_types(
    "Query",
    (
        node.Query,
        family.Query,
        wallets.Query,
        meetings.Query,
        meals.Query,
        banking.Query,
        audit.Query,
        photos.Query,
        billing.Query,
        mail_preferences.Query,
        directory.Query,
        calendar.Query,
        published_documents.Query,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        accounts.Mutation,
        family.Mutation,
        documents.Mutation,
        events.Mutation,
        wallet_mutations.Mutation,
        sales.Mutation,
        meetings.Mutation,
        meals.Mutation,
        banking.Mutation,
        photos.Mutation,
        billing.Mutation,
        mail_preferences.Mutation,
        directory.Mutation,
        calendar.Mutation,
        totp.Mutation,
        gdpr.Mutation,
        published_documents.Mutation,
    ),
)
Subscription = merge_types(
    "Subscription", (wallets.Subscription, meetings.Subscription, billing.Subscription)
)


# Errors a client is meant to read; everything else is masked.
EXPECTED_ERRORS = (UnauthenticatedError, InvalidArgumentError, RefusedError)


def build_schema(
    *,
    production: bool = False,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    executor: ExecutorKind = "fast",
) -> BuiltSchema:
    """The app's schema; `make schema` and the tests build the development one."""
    return build(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        executor=executor,
        limits=Limits(max_depth, max_aliases, max_tokens, introspection=not production),
        suggestions=not production,
        expected_errors=EXPECTED_ERRORS,
        operation_scope=operation_scope,
    )
