"""The parse and validation limits of every operation, set without an operation-long hook,
and the parse and validation results cached.

strawberry's MaxTokensLimiter and AddValidationRules set the limits from `on_operation`, a
generator that stays suspended for as long as the operation lasts: for a live subscription,
its whole life, on every idle socket. Set in `on_parse` and `on_validate` instead, they cost
nothing once the operation has started. Parsing and validating are cached as strawberry's
ParserCache and ValidationCache cache them (keyed on the text and its options, and on the
document and its rules), in the same hooks, after the limits are set: one `DocumentCache` per
built schema.
"""

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from graphql_runtime.compat import graphql_schema, validate_document

CACHED_DOCUMENTS = 512


class DocumentCache:
    """The parsed and validated documents of one built schema, the least recently used
    dropped past `size`."""

    def __init__(self, size: int = CACHED_DOCUMENTS) -> None:
        self.parse: Callable[..., DocumentNode] = functools.lru_cache(maxsize=size)(parse)
        self.validate: Callable[..., list[GraphQLError]] = functools.lru_cache(maxsize=size)(
            validate_document
        )


class OperationLimits(SchemaExtension):
    def __init__(
        self, max_tokens: int, rules: Sequence[type[ASTValidationRule]], documents: DocumentCache
    ) -> None:
        self.max_tokens = max_tokens
        self.rules = tuple(rules)
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.graphql_document = self.documents.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.rules)
        schema: Any = graphql_schema(context.schema)
        context.pre_execution_errors = self.documents.validate(
            schema, context.graphql_document, context.validation_rules
        )
        yield
