"""Column types shared by every table: UTC timestamps alike on SQLite and PostgreSQL."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Deterministic constraint names: migrations can name what they alter, on every dialect.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python; `timestamptz` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return _as_utc(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any]:
        # process_result_value's work in one call per value, not SQLAlchemy's two wrappers:
        # timestamps are most of what the dashboard's rows hold.
        impl = self.impl_instance.result_processor(dialect, coltype)
        if impl is None:  # PostgreSQL: the driver's aware datetimes
            return _as_utc
        return lambda value: _as_utc(impl(value))  # SQLite: parsed from text first


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    zone = value.tzinfo
    if zone is UTC:
        return value
    return value.replace(tzinfo=UTC) if zone is None else value.astimezone(UTC)


def utc_field(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index, **kwargs)


def cents_field(*, nullable: bool = False, **kwargs: Any) -> Any:
    """Money in integer cents (BIGINT)."""
    return Field(sa_type=BigInteger, nullable=nullable, **kwargs)


def text_field(length: int, *, nullable: bool = False, **kwargs: Any) -> Any:
    return Field(sa_type=String(length), nullable=nullable, **kwargs)
