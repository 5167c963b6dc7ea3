"""Unit of work: one transaction plus the events it causes, published only after it commits."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar, Token
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.channels import ChannelSequence
from models.db import Database, dialect_insert
from services.sql.audit import AuditContext, ChangeLog, audit_entry, plain_arguments
from settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# PostgreSQL serialization failure and deadlock: the transaction may simply be run again.
RETRYABLE_SQLSTATES = {"40001", "40P01"}
MAX_ATTEMPTS = 6


class Publisher(Protocol):
    async def publish(self, channel: str, payload: dict[str, Any]) -> None: ...


class MailQueue(Protocol):
    """The mail outbox: renders a mail and adds it to the caller's transaction."""

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        to: str,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        now: datetime,
        school_id: int | None = None,
        attachments: Sequence[Any] = (),
    ) -> Any: ...

    def prepare(
        self,
        *,
        to: str,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        now: datetime,
        school_id: int | None = None,
        attachments: Sequence[Any] = (),
    ) -> Any: ...


class UnitOfWork:
    """What a service gets: the session, the transaction's one `now`, and where events go."""

    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        now: datetime,
        outbox: MailQueue | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.outbox = outbox
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.mail_enqueued = False
        # Who runs this unit of work, when known (GraphQL mutations): for the audit trail.
        self.audit: AuditContext | None = None

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def emit(self, channel: str, payload: dict[str, Any]) -> int:
        """Queue an event for after commit, numbered in commit order for its channel.

        The sequence row is updated inside this transaction, so it is locked until commit:
        sequence order is commit order, and a rolled-back transaction consumes no number.
        """
        insert = dialect_insert(self.dialect)
        stmt = (
            insert(ChannelSequence)
            .values(channel=channel, seq=1)
            .on_conflict_do_update(
                index_elements=["channel"], set_={"seq": ChannelSequence.seq + 1}
            )
            .returning(ChannelSequence.seq)
        )
        sequence = int((await self.session.execute(stmt)).scalar_one())
        self.notify(channel, {**payload, "sequence": sequence})
        return sequence

    async def emit_many(self, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """`emit` for many events in one statement: each channel's number moves by its count,
        and its events take the numbers in the order given (channels in sorted order, so two
        such transactions lock them alike)."""
        counts: dict[str, int] = {}
        for channel, _ in events:
            counts[channel] = counts.get(channel, 0) + 1
        if not counts:
            return
        insert = dialect_insert(self.dialect)
        stmt = insert(ChannelSequence).values(
            [{"channel": channel, "seq": counts[channel]} for channel in sorted(counts)]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["channel"], set_={"seq": ChannelSequence.seq + stmt.excluded.seq}
        ).returning(ChannelSequence.channel, ChannelSequence.seq)
        last = {str(channel): int(seq) for channel, seq in await self.session.execute(stmt)}
        taken = {channel: last[channel] - counts[channel] for channel in counts}
        for channel, payload in events:
            taken[channel] += 1
            self.notify(channel, {**payload, "sequence": taken[channel]})

    def record(
        self,
        action: str,
        details: Mapping[str, Any],
        *,
        school_id: int | None = None,
        child_id: int | None = None,
    ) -> None:
        """An audit entry in this transaction (money moved, a password changed...)."""
        self.session.add(
            audit_entry(
                self.audit,
                now=self.now,
                action=action,
                school_id=school_id,
                child_id=child_id,
                details=details,
            )
        )

    def notify(self, channel: str, payload: dict[str, Any]) -> None:
        """Queue an event for after commit, without a sequence number: for listeners that need
        no order and no gap detection (they re-check on a resync), so that the transaction
        takes no lock on the channel's sequence row."""
        self.events.append((channel, payload))


async def _record_action(uow: UnitOfWork, changes: ChangeLog) -> None:
    assert uow.audit is not None
    await uow.session.flush()
    uow.record(
        uow.audit.action,
        {"arguments": plain_arguments(uow.audit.arguments), "changes": changes.changes},
        child_id=changes.child_id(),
    )


async def current_sequence(session: AsyncSession, channel: str) -> int:
    """The last sequence number committed on a channel (0 when none): a snapshot's position."""
    seq = await session.scalar(
        select(col(ChannelSequence.seq)).where(col(ChannelSequence.channel) == channel)
    )
    return int(seq or 0)


def _retryable(error: DBAPIError) -> bool:
    orig = error.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(orig)


class SharedRead:
    """One read session for every read of one GraphQL query: its DataLoader batches run in
    tasks of their own, so the session is lent to one of them at a time. Opening a session per
    read costs a pool checkout, a BEGIN and a ROLLBACK each (a ping too on PostgreSQL), which
    adds up over the dozen reads of a dashboard."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.session: AsyncSession | None = None
        self.lock = asyncio.Lock()
        self.closed = False

    def lend(self) -> "_Lent":
        return _Lent(self)

    async def close(self) -> None:
        # A read may still be running when the query ends: a field that fails does not stop
        # its siblings, which graphql-core lets finish in the background. Wait for it rather
        # than close the session under it; a read that starts later gets a session of its own.
        async with self.lock:
            self.closed = True
            session, self.session = self.session, None
            if session is not None:
                await session.close()


class _Lent:
    """`async with shared.lend() as session`: the session, to this task alone until the block
    ends. A class rather than a generator: every read of a query goes through it."""

    __slots__ = ("own", "shared", "token")

    def __init__(self, shared: SharedRead) -> None:
        self.shared = shared
        self.token: Token[bool] | None = None
        self.own: AsyncSession | None = None  # lent after the query ended (see close)

    async def __aenter__(self) -> AsyncSession:
        shared = self.shared
        if _holding.get():  # a read within a read of the same task: it already holds the lock
            assert shared.session is not None
            return shared.session
        await shared.lock.acquire()
        if shared.closed:
            shared.lock.release()
            self.own = shared.database.read()
            return self.own
        try:
            if shared.session is None:
                shared.session = shared.database.read()
        except BaseException:
            shared.lock.release()
            raise
        self.token = _holding.set(True)
        return shared.session

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.own is not None:
            own, self.own = self.own, None
            await own.close()
            return
        if self.token is None:
            return
        shared = self.shared
        try:
            if kind is not None and shared.session is not None:
                # A failed statement must not poison the reads that follow (PostgreSQL aborts
                # the whole transaction): start them afresh.
                await shared.session.rollback()
        finally:
            _holding.reset(self.token)
            self.token = None
            shared.lock.release()


_shared_read: ContextVar[SharedRead | None] = ContextVar("shared_read", default=None)
_holding: ContextVar[bool] = ContextVar("holding_shared_read", default=False)


class Transactions:
    """Runs service functions in units of work, retrying transient conflicts."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        publisher: Publisher | None = None,
        outbox: MailQueue | None = None,
        on_mail: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.publisher = publisher
        self.outbox = outbox
        self.on_mail = on_mail
        # SQLite admits one writer at a time; waiting here rather than in SQLite's busy handler
        # (which polls with growing sleeps) keeps queued writers fast. The database still
        # decides: BEGIN IMMEDIATE holds the write lock, so several processes remain correct.
        self._sqlite_writer = asyncio.Lock() if database.dialect == "sqlite" else None

    def now(self) -> datetime:
        return self.settings.clock()

    async def run(
        self, work: Callable[[UnitOfWork], Awaitable[T]], audit: AuditContext | None = None
    ) -> T:
        if self._sqlite_writer is None:
            return await self._run(work, audit)
        async with self._sqlite_writer:
            return await self._run(work, audit)

    async def _run(
        self, work: Callable[[UnitOfWork], Awaitable[T]], audit: AuditContext | None
    ) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            async with self.database.write() as session:
                uow = UnitOfWork(session, self.settings, self.now(), self.outbox)
                uow.audit = audit
                changes = (
                    ChangeLog(session.sync_session) if audit and audit.records_actions else None
                )
                try:
                    result = await work(uow)
                    if changes is not None:
                        await _record_action(uow, changes)
                    await session.commit()
                except DBAPIError as error:
                    await session.rollback()
                    if attempt == MAX_ATTEMPTS or not _retryable(error):
                        raise
                    await asyncio.sleep(0.01 * 2**attempt)
                    continue
                except BaseException:
                    await session.rollback()
                    raise
                finally:
                    if changes is not None:
                        changes.close()
            await self._after_commit(uow)
            return result
        raise AssertionError("unreachable")

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.reading() as session:
            return await work(session)

    def reading(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session to read with: the current query's shared one (see `one_read_session`),
        or a session of its own."""
        shared = _shared_read.get()
        return self.database.read() if shared is None else shared.lend()

    def shared_read(self) -> SharedRead:
        """A read session to open before the query that will share it (`one_read_session`):
        an HTTP request authenticates with it, so both use one connection checkout."""
        return SharedRead(self.database)

    @asynccontextmanager
    async def one_read_session(self, shared: SharedRead | None = None) -> AsyncIterator[None]:
        """Within this block (and the tasks it starts), every `read` shares one session (a
        new one, or `shared`, closed at the end either way). For queries only: a mutation must
        see its own commits, a subscription must not hold a session (and a snapshot) for its
        whole life."""
        if shared is None:
            shared = SharedRead(self.database)
        token = _shared_read.set(shared)
        try:
            yield
        finally:
            _shared_read.reset(token)
            await shared.close()

    async def _after_commit(self, uow: UnitOfWork) -> None:
        if uow.mail_enqueued and self.on_mail is not None:
            self.on_mail()
        if self.publisher is None:
            return
        for channel, payload in uow.events:
            try:
                await self.publisher.publish(channel, payload)
            except Exception:
                # The change is committed; only its push is lost. Subscribers detect the gap
                # from the sequence numbers and resynchronise.
                log.warning("publish on %s failed after commit", channel, exc_info=True)
