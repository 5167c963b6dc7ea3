"""The parse and validation limits of every operation, set without an operation-long hook,
and the parse and validation results cached.

strawberry's MaxTokensLimiter and AddValidationRules set the limits from `on_operation`, a
generator that stays suspended for as long as the operation lasts: for a live subscription,
its whole life, on every idle socket. Set in `on_parse` and `on_validate` instead, they cost
nothing once the operation has started. Parsing and validating are cached as strawberry's
ParserCache and ValidationCache cache them (keyed on the text and its options, and on the
document and its rules), in the same hooks, after the limits are set.
"""

import functools
from collections.abc import Iterator, Sequence

from graphql import parse
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

CACHED_DOCUMENTS = 512
_parse = functools.lru_cache(maxsize=CACHED_DOCUMENTS)(parse)
_validate = functools.lru_cache(maxsize=CACHED_DOCUMENTS)(validate_document)


class OperationLimits(SchemaExtension):
    def __init__(self, max_tokens: int, rules: Sequence[type[ASTValidationRule]]) -> None:
        self.max_tokens = max_tokens
        self.rules = tuple(rules)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.graphql_document = _parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.rules)
        context.pre_execution_errors = _validate(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield
