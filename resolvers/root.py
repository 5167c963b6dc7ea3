"""One schema from every domain's Query, Mutation and Subscription."""

from collections.abc import Callable, Sequence

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from graphql_runtime.execution.plain_fields import PlainFieldsExecutor
from graphql_runtime.limits import OperationLimits
from graphql_runtime.live.follow import SubscriptionClosed
from graphql_runtime.loaders import OperationLoaders
from resolvers import (
    accounts,
    documents,
    events,
    family,
    meals,
    meetings,
    node,
    sales,
    wallet_mutations,
    wallets,
)
from schema.errors import (
    InvalidArgumentError,
    RefusedError,
    UnauthenticatedError,
)

Query = merge_types("Query", (node.Query, family.Query, wallets.Query, meetings.Query, meals.Query))
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
    ),
)
Subscription = merge_types("Subscription", (wallets.Subscription, meetings.Subscription))


def _expected(error: GraphQLError) -> bool:
    """Errors a client is meant to read; everything else is masked."""
    original = error.original_error
    return original is None or isinstance(
        original,
        (
            UnauthenticatedError,
            SubscriptionClosed,
            InvalidArgumentError,
            RefusedError,
        ),
    )


def _limit_rules(depth: int, aliases: int, production: bool) -> tuple[type[ASTValidationRule], ...]:
    # The limiters create their rule classes when built: build them once, so that the
    # validation cache (keyed on the rule classes) keeps hitting.
    rules: list[type[ASTValidationRule]] = [
        *QueryDepthLimiter(max_depth=depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=aliases).validation_rules,
    ]
    if production:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


class OperationHooks(OperationLimits, OperationLoaders, MaskErrors):
    """Every per-operation hook of the schema in one extension: the limits and caches of
    parsing and validation, the operation's loaders and read session, error masking.
    strawberry asks each extension for each of its four stages on every operation: one
    extension costs less than five."""

    def __init__(self, max_tokens: int, rules: Sequence[type[ASTValidationRule]]) -> None:
        OperationLimits.__init__(self, max_tokens, rules)
        MaskErrors.__init__(self, should_mask_error=lambda e: not _expected(e))


def build_schema(
    *,
    production: bool = False,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
) -> strawberry.Schema:
    rules = list(_limit_rules(max_depth, max_aliases, production))
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: OperationHooks(max_tokens, rules),
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        # Shared subscription events are executed once per distinct selection; plain leaf
        # fields are read without graphql-core's per-field machinery.
        execution_context_class=PlainFieldsExecutor,
        config=StrawberryConfig(disable_field_suggestions=production),
    )


# The development schema, for `make schema` and the staleness test.
schema = build_schema()
