"""The parse and validation limits of every operation, set without an operation-long hook.

strawberry's MaxTokensLimiter and AddValidationRules set them from `on_operation`, a generator
that stays suspended for as long as the operation lasts: for a live subscription, its whole
life, on every idle socket. Set in `on_parse` and `on_validate` instead, they cost nothing once
the operation has started (this extension must come before ParserCache and ValidationCache,
whose hooks parse and validate).
"""

from collections.abc import Iterator, Sequence

from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension


class OperationLimits(SchemaExtension):
    def __init__(self, max_tokens: int, rules: Sequence[type[ASTValidationRule]]) -> None:
        self.max_tokens = max_tokens
        self.rules = tuple(rules)

    def on_parse(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield
