"""Importing a statement file: checked whole first, then one transaction per statement.

Exactly once, from the database: a statement row is unique per school by its identity (account
+ number + date), inserted first in its transaction, so a second import of the same statement
(even at the same moment: the insert waits for the first one's commit) finds it and credits
nothing; a line is unique per school by its bank reference, so a CAMT.053 over days already
imported from CODA adds only the lines not seen before. A credit line naming a wallet credits
it through the bank transfers path (whose own unique bank reference is the backstop) and
settles the oldest matching announcement; anything else waits, unmatched. Each credited line is
marked for its receipt mail, which `receipts.mail_pending_receipts` renders after the commit.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
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
    """Check the whole file, then import each statement in a transaction of its own. A file
    whose every statement was imported before is a duplicate (nothing credited)."""
    require_staff(actor)
    school = await tx.read(lambda session: get_school(session, actor.school_id))
    if not school.bank_iban:
        raise StatementRejected(Problem.WRONG_ACCOUNT, account="?", school_account="—")
    statements = read_statement_file(data, school.bank_iban).statements
    results = [await _import_with_retry(tx, actor, statement) for statement in statements]
    return ImportResult(
        statement_id=results[0].statement_id,
        lines=sum(r.lines for r in results),
        credited=sum(r.credited for r in results),
        unmatched=sum(r.unmatched for r in results),
        duplicate=all(r.duplicate for r in results),
    )


async def _import_with_retry(tx: Transactions, actor: Actor, statement: Statement) -> ImportResult:
    # A line inserted meanwhile by another import (the other format of the same days) fails
    # this transaction on the unique bank reference: run it again, that line is then known.
    for attempt in range(3):
        try:
            return await tx.run(lambda uow: import_statement(uow, actor, statement))
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def import_statement(uow: UnitOfWork, actor: Actor, statement: Statement) -> ImportResult:
    require_staff(actor)
    school_id = actor.school_id
    statement_id = await _claim_statement(uow, actor, statement)
    if statement_id is None:
        return await _already_imported(uow, school_id, statement)
    entries = await _new_entries(uow, school_id, statement.entries)
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
    credited = unmatched = 0
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
            credited += 1
            continue
        if target is None:
            unmatched += 1
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
        credited += 1

    settle: list[tuple[int, int, str]] = []
    all_posted = await matching.pay_many(
        uow, [p for _, p in paying], school_id=school_id, recorded_by=actor.user_id
    )
    for (line, payment), posted in zip(paying, all_posted, strict=True):
        target = payment.target
        line.update(status=LineStatus.CREDITED, wallet_id=target.wallet_id)
        line.update(transaction_id=posted.transaction_id, receipt_pending=True)
        if (target.wallet_id, payment.amount_cents) in announced:
            settle.append((target.wallet_id, payment.amount_cents, payment.bank_reference))

    line_ids = await _insert_lines(uow, lines)
    for wallet_id, cents, reference in settle:
        await announcements.settle_announcement(
            uow, wallet_id=wallet_id, amount_cents=cents, line_id=line_ids.get(reference)
        )
    row = await uow.session.get(BankStatement, statement_id)
    assert row is not None
    row.lines, row.credited, row.unmatched = len(entries), credited, unmatched
    await uow.session.flush()
    return ImportResult(statement_id, len(entries), credited, unmatched, duplicate=False)


async def _claim_statement(uow: UnitOfWork, actor: Actor, statement: Statement) -> int | None:
    """Insert the statement's row, or None when it is there already (committed by another
    import, perhaps one that was waiting on the same row a moment ago)."""
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
    found = result.scalar_one_or_none()
    return None if found is None else int(found)


async def _already_imported(uow: UnitOfWork, school_id: int, statement: Statement) -> ImportResult:
    row = await uow.session.scalar(
        select(BankStatement).where(
            col(BankStatement.school_id) == school_id,
            col(BankStatement.identity) == statement.identity,
        )
    )
    assert row is not None and row.id is not None
    return ImportResult(row.id, row.lines, 0, row.unmatched, duplicate=True)


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
