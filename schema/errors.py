"""The contract's error types: expected failures travel as data in every payload."""

import strawberry

from services.common.errors import ErrorCode

# One list of codes: the services raise them and the schema serves the same enum.
strawberry.enum(ErrorCode, name="ErrorCode")


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
