"""The contract's error types: expected failures travel as data in every payload."""

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import strawberry

from schema.context import Info
from schema.messages import message
from services.common.errors import DomainError, ErrorCode

T = TypeVar("T")
P = ParamSpec("P")

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


def user_error(info: Info, error: DomainError) -> UserError:
    """A service's refusal as a payload's error, in the viewer's language."""
    return UserError(
        code=error.code,
        message=message(error.code.value, info.context.locale, error.params),
        field=error.field,
    )


def refused(info: Info, error: DomainError) -> RefusedError:
    """A domain error where no payload can carry it (a subscription): a GraphQL error."""
    return RefusedError(
        error.code.value, message(error.code.value, info.context.locale, error.params)
    )


def catches_user_errors(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turn a DomainError raised by a mutation's service into `payload(errors=[...])`."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except DomainError as error:
                info = kwargs.get("info")
                assert info is not None, "resolvers using catches_user_errors take `info`"
                return payload(errors=[user_error(info, error)])  # type: ignore[arg-type]

        return wrapper

    return decorate
