"""Amounts: integer cents and their currency (always EUR for now)."""

import strawberry

CURRENCY = "EUR"


@strawberry.type
class Money:
    cents: int
    currency: str = CURRENCY


def money(cents: int) -> Money:
    return Money(cents=cents)
