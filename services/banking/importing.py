"""Importing a statement file: checked whole first, then each statement in resumable batches.

Exactly once, from the database: a statement row is unique per school by its identity (account
+ number + date), claimed first, so a second import of the same statement (even at the same
moment: the insert waits for the first one's commit) finds it and credits nothing new; its
entries are imported in batches of their own transactions, and a line is unique per school by
its bank reference (a batch meeting one inserted meanwhile runs again), so a CAMT.053 over days already
imported from CODA adds only the lines not seen before. A credit line naming a wallet credits
it through the bank transfers path (whose own unique bank reference is the backstop) and
settles the oldest matching announcement; anything else waits, unmatched. Each credited line is
marked for its receipt mail, which `receipts.mail_pending_receipts` renders after the commit.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.banking import BankStatement, BankStatementLine, LineKind, LineStatus
from models.db import dialect_insert
from services.accounts.actor import Actor
from services.banking import announcements, matching
from services.banking.communications import digits_of
from services.banking.model import Entry, Statement
from services.banking.problems import Problem, StatementRejected
from services.banking.reader import read_statement_file
from services.family.children import get_school, require_staff
from services.sql.uow import Transactions, UnitOfWork

CHUNK = 500
# Entries per transaction: the longest another writer waits behind an import.
BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    statement_id: int
    lines: int
    credited: int
    unmatched: int
    duplicate: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "credited": self.credited,
            "unmatched": self.unmatched,
            "duplicate": self.duplicate,
        }


async def import_statement_file(tx: Transactions, actor: Actor, data: bytes) -> ImportResult:
    """Check the whole file, then import each statement. A file whose every statement was
    imported before is a duplicate (nothing credited)."""
    require_staff(actor)
    school = await tx.read(lambda session: get_school(session, actor.school_id))
    if not school.bank_iban:
        raise StatementRejected(Problem.WRONG_ACCOUNT, account="?", school_account="—")
    statements = read_statement_file(data, school.bank_iban).statements
    results = [await import_statement(tx, actor, statement) for statement in statements]
    return ImportResult(
        statement_id=results[0].statement_id,
        lines=sum(r.lines for r in results),
        credited=sum(r.credited for r in results),
        unmatched=sum(r.unmatched for r in results),
        duplicate=all(r.duplicate for r in results),
    )


async def import_statement(tx: Transactions, actor: Actor, statement: Statement) -> ImportResult:
    """Claim the statement, import its entries in batches (a transaction each, so other writers
    wait at most one batch), then mark it complete. An import that stopped half-way (a crash)
    is resumed by the next one of the same statement: entries already there are skipped."""
    claimed = await tx.run(lambda uow: _claim_statement(uow, actor, statement))
    statement_id, fresh = claimed
    if not fresh:
        done = await tx.read(lambda session: _completed(session, statement_id))
        if done is not None:
            return done
    credited = 0
    for start in range(0, len(statement.entries), BATCH):
        batch = statement.entries[start : start + BATCH]
        credited += await _with_retry(tx, _batch(actor, statement, statement_id, batch))
    counts = await tx.run(lambda uow: _complete(uow, statement_id))
    return ImportResult(statement_id, counts[0], credited, counts[1], duplicate=not fresh)


def _batch(
    actor: Actor, statement: Statement, statement_id: int, batch: tuple[Entry, ...]
) -> Callable[[UnitOfWork], Awaitable[int]]:
    return lambda uow: _import_entries(uow, actor, statement, statement_id, batch)


async def _with_retry(tx: Transactions, work: Callable[[UnitOfWork], Awaitable[int]]) -> int:
    # A line inserted meanwhile by another import (the same statement resumed, or the other
    # format of the same days) fails the batch on the unique bank reference: run it again,
    # that line is then known and skipped.
    for attempt in range(3):
        try:
            return await tx.run(work)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _import_entries(
    uow: UnitOfWork,
    actor: Actor,
    statement: Statement,
    statement_id: int,
    batch: tuple[Entry, ...],
) -> int:
    """One batch of a statement's entries: the new ones recorded, the matched ones credited;
    how many this batch credited."""
    require_staff(actor)
    school_id = actor.school_id
    entries = await _new_entries(uow, school_id, batch)
    credits = [entry for entry in entries if entry.creditable]
    targets = await matching.find_targets(
        uow.session, school_id, (e.structured_communication for e in credits)
    )
    recorded = await matching.transfers_recorded(
        uow.session, school_id, [e.bank_reference for e in credits]
    )
    wallet_ids = sorted({t.wallet_id for t in targets.values()})
    announced = await announcements.open_announcements(uow.session, wallet_ids)

    lines: list[dict[str, Any]] = []
    paying: list[tuple[dict[str, Any], matching.Payment]] = []
    for entry in entries:
        line = _line(school_id, statement_id, entry)
        lines.append(line)
        if not entry.creditable:
            continue
        digits = digits_of(entry.structured_communication or "")
        target = targets.get(digits)
        if entry.bank_reference in recorded:  # credited by hand before the statement came
            wallet_id, transaction_id = recorded[entry.bank_reference]
            line.update(status=LineStatus.CREDITED, wallet_id=wallet_id)
            line.update(transaction_id=transaction_id)
            continue
        if target is None:
            continue
        payment = matching.Payment(
            target,
            entry.amount_cents,
            digits,
            entry.bank_reference,
            entry.value_date,
            statement.statement_date,
        )
        paying.append((line, payment))

    settle: list[tuple[int, int, str]] = []
    all_posted = await matching.pay_many(
        uow, [p for _, p in paying], school_id=school_id, recorded_by=actor.user_id
    )
    for (line, payment), posted in zip(paying, all_posted, strict=True):
        target = payment.target
        line.update(status=LineStatus.CREDITED, wallet_id=target.wallet_id)
        line.update(transaction_id=posted.transaction_id, receipt_pending=True)
        if isinstance(target, matching.InvoiceTarget):
            line.update(invoice_id=target.invoice_id)
            continue
        if (target.wallet_id, payment.amount_cents) in announced:
            settle.append((target.wallet_id, payment.amount_cents, payment.bank_reference))

    line_ids = await _insert_lines(uow, lines)
    for wallet_id, cents, reference in settle:
        await announcements.settle_announcement(
            uow, wallet_id=wallet_id, amount_cents=cents, line_id=line_ids.get(reference)
        )
    return len(paying)


async def _completed(session: AsyncSession, statement_id: int) -> ImportResult | None:
    row = await session.get(BankStatement, statement_id, populate_existing=True)
    assert row is not None
    if not row.complete:
        return None
    return ImportResult(statement_id, row.lines, 0, row.unmatched, duplicate=True)


async def _complete(uow: UnitOfWork, statement_id: int) -> tuple[int, int]:
    """Mark the statement imported, with its line counts as the database holds them."""
    line = BankStatementLine
    lines = await uow.session.scalar(
        select(func.count()).where(col(line.statement_id) == statement_id)
    )
    credited = await uow.session.scalar(
        select(func.count()).where(
            col(line.statement_id) == statement_id, col(line.status) == LineStatus.CREDITED
        )
    )
    unmatched = await uow.session.scalar(
        select(func.count()).where(
            col(line.statement_id) == statement_id, col(line.status) == LineStatus.UNMATCHED
        )
    )
    await uow.session.execute(
        update(BankStatement)
        .where(col(BankStatement.id) == statement_id)
        .values(complete=True, lines=lines, credited=credited, unmatched=unmatched)
    )
    return int(lines or 0), int(unmatched or 0)


async def _claim_statement(uow: UnitOfWork, actor: Actor, statement: Statement) -> tuple[int, bool]:
    """The statement's row, inserted now (True) or found (False: imported before, or being
    imported by another request, whose insert this one waited for)."""
    require_staff(actor)
    insert = dialect_insert(uow.dialect)
    result = await uow.session.execute(
        insert(BankStatement)
        .values(
            school_id=actor.school_id,
            identity=statement.identity,
            format=statement.format.value,
            account_iban=statement.account_iban,
            number=statement.number,
            statement_date=statement.statement_date,
            opening_balance_cents=statement.opening_balance_cents,
            closing_balance_cents=statement.closing_balance_cents,
            imported_by=actor.user_id,
            imported_at=uow.now,
        )
        .on_conflict_do_nothing(index_elements=["school_id", "identity"])
        .returning(col(BankStatement.id))
    )
    inserted = result.scalar_one_or_none()
    if inserted is not None:
        return int(inserted), True
    found = await uow.session.scalar(
        select(col(BankStatement.id)).where(
            col(BankStatement.school_id) == actor.school_id,
            col(BankStatement.identity) == statement.identity,
        )
    )
    assert found is not None
    return int(found), False


async def _new_entries(uow: UnitOfWork, school_id: int, entries: tuple[Entry, ...]) -> list[Entry]:
    """The entries whose bank reference no earlier statement brought."""
    references = [entry.bank_reference for entry in entries]
    seen: set[str] = set()
    for start in range(0, len(references), CHUNK):
        rows = await uow.session.scalars(
            select(col(BankStatementLine.bank_reference)).where(
                col(BankStatementLine.school_id) == school_id,
                col(BankStatementLine.bank_reference).in_(references[start : start + CHUNK]),
            )
        )
        seen.update(rows.all())
    return [entry for entry in entries if entry.bank_reference not in seen]


def _line(school_id: int, statement_id: int, entry: Entry) -> dict[str, Any]:
    if entry.bank_fee:
        kind = LineKind.FEE
    elif entry.is_credit:
        kind = LineKind.CREDIT
    else:
        kind = LineKind.DEBIT
    digits = digits_of(entry.structured_communication or "")
    return {
        "school_id": school_id,
        "statement_id": statement_id,
        "bank_reference": entry.bank_reference,
        "booking_date": entry.booking_date,
        "value_date": entry.value_date,
        "amount_cents": entry.amount_cents,
        "kind": kind.value,
        "status": (LineStatus.UNMATCHED if entry.creditable else LineStatus.RECORDED).value,
        "communication": digits[:12] or None,
        "free_text": entry.free_text,
        "counterparty_name": entry.counterparty_name[:200],
        "counterparty_iban": entry.counterparty_iban,
        "wallet_id": None,
        "invoice_id": None,
        "transaction_id": None,
        "receipt_pending": False,
    }


async def _insert_lines(uow: UnitOfWork, lines: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the lines (a reference another import inserted meanwhile fails the transaction);
    their ids by bank reference."""
    ids: dict[str, int] = {}
    for line in lines:
        if isinstance(line["status"], LineStatus):
            line["status"] = line["status"].value
    for start in range(0, len(lines), CHUNK):
        chunk = lines[start : start + CHUNK]
        result = await uow.session.execute(
            BankStatementLine.__table__.insert()  # type: ignore[attr-defined]
            .values(chunk)
            .returning(
                BankStatementLine.__table__.c.id,  # type: ignore[attr-defined]
                BankStatementLine.__table__.c.bank_reference,  # type: ignore[attr-defined]
            )
        )
        ids.update({reference: int(line_id) for line_id, reference in result})
    return ids
