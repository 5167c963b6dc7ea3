"""The contract's error types: expected failures travel as data in every payload."""

from enum import Enum

import strawberry


@strawberry.enum
class ErrorCode(Enum):
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


@strawberry.type
class UserError:
    code: ErrorCode
    message: str
    field: str | None = None


class UnauthenticatedError(Exception):
    """A protected field without a valid session: a GraphQL error with code UNAUTHENTICATED."""

    def __init__(self) -> None:
        super().__init__("Authentication required")
        self.extensions = {"code": "UNAUTHENTICATED"}


class InvalidArgumentError(Exception):
    """A query argument that cannot be used (a foreign cursor, a page too large): a GraphQL
    error with code INVALID_INPUT, like UNAUTHENTICATED (queries have no `errors` field)."""

    def __init__(self, argument: str) -> None:
        super().__init__(f"Invalid value for argument {argument!r}")
        self.extensions = {"code": "INVALID_INPUT", "argument": argument}


class RefusedError(Exception):
    """A field or subscription refused with a stable code (e.g. NOT_FOUND, as for another
    family's object): a GraphQL error whose `extensions.code` the client reads."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.extensions = {"code": code}
