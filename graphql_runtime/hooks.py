"""Every per-operation hook of a built schema in one extension: the limits and caches of
parsing and validation, the operation's loaders and read scope, error masking. strawberry asks
each extension for each of its four stages on every operation: one extension costs less than
five."""

from collections.abc import Callable, Sequence

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from graphql.validation import ASTValidationRule
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, QueryDepthLimiter

from graphql_runtime.compat import validation_rules_of
from graphql_runtime.limits import DocumentCache, OperationLimits
from graphql_runtime.live.follow import SubscriptionClosed
from graphql_runtime.loaders import OperationLoaders, OperationScope

ErrorClasses = tuple[type[BaseException], ...]


def limit_rules(
    max_depth: int, max_aliases: int, introspection: bool
) -> tuple[type[ASTValidationRule], ...]:
    # The limiters create their rule classes when built: build them once per schema, so that
    # the validation cache (keyed on the rule classes) keeps hitting.
    rules: list[type[ASTValidationRule]] = [
        *validation_rules_of(QueryDepthLimiter(max_depth=max_depth)),
        *validation_rules_of(MaxAliasesLimiter(max_alias_count=max_aliases)),
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def masked_unless(expected: ErrorClasses) -> Callable[[GraphQLError], bool]:
    """Whether an error is masked: all but GraphQL's own (validation, a missing argument...)
    and those raised as one of the `expected` classes (or SubscriptionClosed), which a client
    is meant to read."""
    classes: ErrorClasses = (SubscriptionClosed, *expected)

    def masked(error: GraphQLError) -> bool:
        original = error.original_error
        return original is not None and not isinstance(original, classes)

    return masked


class OperationHooks(OperationLimits, OperationLoaders, MaskErrors):
    def __init__(
        self,
        max_tokens: int,
        rules: Sequence[type[ASTValidationRule]],
        documents: DocumentCache,
        masked: Callable[[GraphQLError], bool],
        scope: OperationScope | None,
    ) -> None:
        OperationLimits.__init__(self, max_tokens, rules, documents)
        MaskErrors.__init__(self, should_mask_error=masked)
        self.scope = scope
