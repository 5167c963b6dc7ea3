"""CODA bank statements (Febelfin "Coded statement of account", version 2) read through the
febelfin-coda package (import `coda`), checked where that package only asserts.

What febelfin-coda does and does not (0.5.0, read in its source):
- It parses records 0, 1, 2.1-2.3, 3.1-3.3, 4, 8 and 9 of 128 characters, amounts as Decimal,
  the structured communication of type 101 as its 12 digits, and hangs the detail movements
  (types 5-8) of a globalised movement under it; it refuses a version other than 2.
- Its checks of record 9 (record count, totals, balances) are `assert`s: gone under
  `python -O`, and a bare AssertionError otherwise. A file cut before record 9 passes.
  So the counts and balances are checked here, with the package's own field positions.
- A detail of a detail (type 9) makes it fail (`Move.append` does not exist): refused here
  with UNSUPPORTED_VARIANT rather than guessed.
- Given a `str` or `bytes` it opens that path: the decoded lines are handed to it as a list.

Entries: a globalised movement (types 1 and 2) with detail lines becomes one entry per detail,
never the movement too (its details must add up to it); a movement of type 3 keeps its own
line, its details being a breakdown of the same transfer (gross amount, charges). References
follow `services/banking/references.py`.
"""

from collections.abc import Callable
from typing import Any

import coda

from services.banking import communications, references
from services.banking.fields import compact_iban, counterparty_iban, to_cents
from services.banking.model import Entry, Statement, StatementFormat
from services.banking.problems import Problem, StatementRejected

ENCODING = "windows-1252"
RECORD_LENGTH = 128
RECORD_TYPES = set("0123489")
COUNTED_RECORDS = set("1238")  # what record 9 counts
GLOBALISED = {"1", "2"}
DETAIL_TYPE = 53  # record 2.1: the first digit of the transaction code, the movement's type
STRUCTURED = {"101", "102"}  # structured, and "reconstituted" from the free text by the bank
FEE_FAMILIES = {"35", "80"}  # closing (interest, charges); separately charged costs
FEE_TRANSACTIONS = {"37"}  # costs, in every family


def parse_coda(data: bytes) -> tuple[Statement, ...]:
    lines = _records(data)
    groups = _statement_groups(lines)
    for start, group in groups:
        _check_trailer(start, group)
    if any(line.startswith("21") and line[DETAIL_TYPE] == "9" for line in lines):
        raise StatementRejected(Problem.UNSUPPORTED_VARIANT, variant="CODA type 9")
    try:
        parsed = coda.CODA(lines)
    except ValueError as error:
        if "Unsupported version" in str(error):
            raise StatementRejected(Problem.UNSUPPORTED_VARIANT, variant="CODA 1") from None
        raise StatementRejected(Problem.UNREADABLE, reason="characters") from None
    except (AssertionError, AttributeError, KeyError, IndexError, ArithmeticError):
        raise StatementRejected(Problem.UNREADABLE, reason="characters") from None
    try:
        return tuple(_statement(statement) for statement in parsed.statements)
    except ValueError:  # an amount in fractions of a cent
        raise StatementRejected(Problem.UNREADABLE, reason="characters") from None


def _records(data: bytes) -> list[str]:
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError:
        raise StatementRejected(Problem.UNREADABLE, reason="characters") from None
    lines = text.rstrip("\x1a \r\n").splitlines()  # some banks end with the old EOF byte
    records = []
    for number, line in enumerate(lines, start=1):
        if len(line) > RECORD_LENGTH or not line or line[0] not in RECORD_TYPES:
            raise StatementRejected(Problem.UNREADABLE, reason="line", line=number)
        # Trailing blanks are all fields of text: some software strips them.
        records.append(line.ljust(RECORD_LENGTH))
    return records


def _statement_groups(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line number, records) of each statement: a record 0 up to its record 9."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if line[0] == "0":
            if current is not None:
                raise StatementRejected(Problem.INCOMPLETE, reason="cut_off")
            current = [line]
            groups.append((number, current))
        elif current is None:
            raise StatementRejected(Problem.UNREADABLE, reason="line", line=number)
        else:
            current.append(line)
            if line[0] == "9":
                # Its last position says whether another file follows (1) or not (2):
                # a blank there is a trailer cut short.
                if line[RECORD_LENGTH - 1] not in "12":
                    raise StatementRejected(Problem.INCOMPLETE, reason="cut_off")
                current = None
    if not groups:
        raise StatementRejected(Problem.UNREADABLE, reason="no_statement")
    if current is not None:
        raise StatementRejected(Problem.INCOMPLETE, reason="cut_off")
    return groups


def _check_trailer(start: int, group: list[str]) -> None:
    """Record 9 against the records before it, read at the package's own positions."""
    trailer = group[-1]
    try:
        announced = _field(trailer, coda.TRAILER, "number_records")
        credit = to_cents(_field(trailer, coda.TRAILER, "total_credit"))
        debit = to_cents(_field(trailer, coda.TRAILER, "total_debit"))
        old = next(line for line in group if line[0] == "1")
        opening = to_cents(_field(old, coda.OLD_BALANCE, "old_balance"))
        # No record 8 (the package's sample without movements): the balance did not move.
        new = next((line for line in group if line[0] == "8"), None)
        closing = opening if new is None else to_cents(_field(new, coda.NEW_BALANCE, "new_balance"))
        number = _field(old, coda.OLD_BALANCE, "old_sequence")
    except StopIteration:
        raise StatementRejected(Problem.INCOMPLETE, reason="balances") from None
    except (ValueError, ArithmeticError):
        raise StatementRejected(
            Problem.UNREADABLE, reason="line", line=start + len(group) - 1
        ) from None
    found = sum(line[0] in COUNTED_RECORDS for line in group)
    if announced != found:
        raise StatementRejected(
            Problem.INCOMPLETE, reason="record_count", expected=announced, found=found
        )
    if opening + credit - debit != closing:
        raise StatementRejected(
            Problem.BALANCE_MISMATCH,
            statement=number,
            opening_cents=opening,
            movements_cents=credit - debit,
            closing_cents=closing,
        )


def _field(record: str, table: dict[str, tuple[slice, Callable[[str], Any]]], name: str) -> Any:
    where, read = table[name]
    return read(record[where])


def _statement(parsed: Any) -> Statement:
    identifier = f"{parsed.old_sequence}/{parsed.coda_sequence}"
    entries: list[Entry] = []
    for move in parsed.moves:
        entries.extend(_entries_of(move, identifier, position=len(entries) + 1))
    return Statement(
        format=StatementFormat.CODA,
        account_iban=_account_iban(parsed),
        currency=parsed.account_currency.strip(),
        number=parsed.old_sequence,
        identifier=identifier,
        opening_date=parsed.old_balance_date,
        statement_date=parsed.new_balance_date,
        opening_balance_cents=to_cents(parsed.old_balance),
        closing_balance_cents=to_cents(parsed.new_balance),
        entries=tuple(references.unique_references(entries)),
        bank_duplicate=bool(parsed.duplicate),
    )


def _account_iban(parsed: Any) -> str:
    account = parsed.account
    if parsed._account_structure == "0":  # an old Belgian account number: its IBAN
        return counterparty_iban(account) or account
    return compact_iban(account)


def _entries_of(move: Any, identifier: str, position: int) -> list[Entry]:
    reference = references.fallback_reference(move.bank_reference, identifier, position)
    details = list(move.moves)
    if move.transaction_type not in GLOBALISED or not details:
        return [_entry(move, reference)]
    amount = to_cents(move.amount)
    details_amount = sum(to_cents(detail.amount) for detail in details)
    if details_amount != amount:
        raise StatementRejected(
            Problem.DETAILS_MISMATCH,
            reference=reference,
            amount_cents=amount,
            details_cents=details_amount,
        )
    return [
        _entry(
            detail,
            references.detail_reference(reference, detail.bank_reference, index),
            detail_of=reference,
        )
        for index, detail in enumerate(details, start=1)
    ]


def _entry(move: Any, reference: str, detail_of: str | None = None) -> Entry:
    kind = move.communication_type
    free_text = " ".join((move.communication or "").split()) if kind is None else ""
    structured = move.communication if kind in STRUCTURED else None
    if structured is not None and not (len(structured) == 12 and structured.isdigit()):
        structured = None
    code = move.transaction_code
    return Entry(
        bank_reference=reference,
        booking_date=move.entry_date,
        value_date=move.value_date or move.entry_date,
        amount_cents=to_cents(move.amount),
        structured_communication=structured or communications.structured_in_text(free_text),
        free_text=free_text,
        counterparty_name=(move.counterparty_name or "").strip(),
        counterparty_iban=counterparty_iban(move.counterparty_account or ""),
        bank_fee=code[1:3] in FEE_FAMILIES or code[3:5] in FEE_TRANSACTIONS,
        transaction_code=code,
        detail_of=detail_of,
    )
