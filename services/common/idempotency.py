"""Idempotent mutations: the same key with the same arguments answers once, whatever the retries.

    result = await idempotent(
        uow, scope="reserveMeal", actor=actor_key(actor), key=idempotency_key,
        request={"childId": child_id, "date": day.isoformat(), "articleId": article_id},
        work=lambda: book_and_debit(...),          # the effect, in this unit of work
        encode=lambda r: r.to_json(), decode=Reservation.from_json,
    )

- The first call claims (scope, actor, key) by inserting a row — the unique constraint decides
  between two racing requests: on PostgreSQL the second INSERT waits for the first transaction
  and then finds its row; SQLite runs write transactions one at a time. The claim, the effect
  and the stored answer commit together.
- A retry with the same arguments gets the stored answer back (decoded: store in the answer
  everything it needs) and causes no effect. Other arguments: IDEMPOTENCY_CONFLICT.
- A refusal (a DomainError from `work`) rolls the whole unit of work back, claim included: it
  is not the answer for the key, and a retry after topping up the wallet can succeed.
Call it before the effect's first write so the claim is the first lock the transaction takes.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, select, update
from sqlmodel import col

from models.db import dialect_insert
from models.ledger import IdempotencyKey
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.sql.uow import UnitOfWork

T = TypeVar("T")
MAX_KEY_LENGTH = 200


def actor_key(actor: Actor) -> str:
    return f"user:{actor.user_id}"


def fingerprint(request: Mapping[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent(
    uow: UnitOfWork,
    *,
    scope: str,
    actor: str,
    key: str,
    request: Mapping[str, Any],
    work: Callable[[], Awaitable[T]],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotencyKey")
    request_print = fingerprint(request)
    insert = dialect_insert(uow.dialect)
    claimed = await uow.session.scalar(
        insert(IdempotencyKey)
        .values(scope=scope, actor=actor, key=key, fingerprint=request_print, created_at=uow.now)
        .on_conflict_do_nothing(index_elements=["scope", "actor", "key"])
        .returning(col(IdempotencyKey.id))
    )
    if claimed is None:
        return _replay(await _stored(uow, scope, actor, key), request_print, decode)
    result = await work()
    await uow.session.execute(
        update(IdempotencyKey)
        .where(col(IdempotencyKey.id) == claimed)
        .values(response=json.dumps(encode(result)))
    )
    return result


async def _stored(uow: UnitOfWork, scope: str, actor: str, key: str) -> IdempotencyKey:
    row = await uow.session.scalar(
        select(IdempotencyKey).where(
            col(IdempotencyKey.scope) == scope,
            col(IdempotencyKey.actor) == actor,
            col(IdempotencyKey.key) == key,
        )
    )
    assert row is not None, "a conflicting claim is committed before it is visible"
    return row


def _replay(row: IdempotencyKey, request_print: str, decode: Callable[[Any], T]) -> T:
    if row.fingerprint != request_print:
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "idempotencyKey")
    assert row.response is not None, "the claim and its answer commit together"
    return decode(json.loads(row.response))


async def forget_claimed_before(uow: UnitOfWork, before: datetime) -> int:
    """Drop the keys claimed before `before`; returns how many. A retry that late is treated as
    a new request, so keep keys far longer than any client retries (IDEMPOTENCY_RETENTION_DAYS)."""
    result = await uow.session.execute(
        delete(IdempotencyKey).where(col(IdempotencyKey.created_at) < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
