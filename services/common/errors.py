"""Domain errors: expected failures, reported to clients as UserError data, never as 500s."""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    RATE_LIMITED = "RATE_LIMITED"
    FEATURE_DISABLED = "FEATURE_DISABLED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    DIFFERENT_CHILDREN = "DIFFERENT_CHILDREN"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    RESERVATION_CLOSED = "RESERVATION_CLOSED"
    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    SLOT_TAKEN = "SLOT_TAKEN"
    BOOKING_CLOSED = "BOOKING_CLOSED"
    OVERLAPPING_APPOINTMENT = "OVERLAPPING_APPOINTMENT"
    TEACHER_ALREADY_BOOKED = "TEACHER_ALREADY_BOOKED"
    ALLERGEN_CONFLICT = "ALLERGEN_CONFLICT"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"
    ONE_TEACHER_PER_CHILD = "ONE_TEACHER_PER_CHILD"
    ALREADY_IMPORTED = "ALREADY_IMPORTED"
    ORDER_CLOSED = "ORDER_CLOSED"
    ALREADY_PAID = "ALREADY_PAID"
    NOTHING_DUE = "NOTHING_DUE"
    ALREADY_HANDLED = "ALREADY_HANDLED"  # a bank line already assigned or returned
    SECOND_FACTOR_UNAVAILABLE = "SECOND_FACTOR_UNAVAILABLE"
    WALLET_CLOSED = "WALLET_CLOSED"
    CHILD_LEFT = "CHILD_LEFT"  # a leaver is read-only to its guardians


def message_key(key: str) -> str:
    """Marks a catalogue key for extraction (`make messages`): a more precise text than the
    code's own, passed as `DomainError(..., detail=message_key("error.CODE.what"))`."""
    return key


class DomainError(Exception):
    """Raised by services; the transaction rolls back and the client gets a UserError."""

    def __init__(self, code: ErrorCode, field: str | None = None, **params: Any) -> None:
        super().__init__(f"{code}" + (f" ({field})" if field else ""))
        self.code = code
        self.field = field
        self.params = params


class NotFound(DomainError):
    """Also what another family's ID answers: indistinguishable from a missing one."""

    def __init__(self, field: str | None = None, **params: Any) -> None:
        super().__init__(ErrorCode.NOT_FOUND, field, **params)


class Unauthenticated(Exception):
    """No valid session where one is required (a GraphQL error, not a UserError)."""
