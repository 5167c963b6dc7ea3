"""A bank statement as the importer sees it, whatever file it came in (CODA or CAMT.053).

Money is integer cents, signed from the school's side: a credit (money in) is positive, a
debit or a bank charge negative. Dates are the bank's booking and value dates.

`Entry.bank_reference` is the key of exactly-once crediting (the rule is in
`services/banking/references.py`); `Statement.identity` the key of a statement already imported.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class StatementFormat(StrEnum):
    CODA = "coda"
    CAMT053 = "camt053"


@dataclass(frozen=True, slots=True)
class Entry:
    bank_reference: str
    booking_date: date
    value_date: date
    amount_cents: int
    # The 12 digits of a Belgian structured communication (`+++ddd/dddd/ddddd+++`), as the
    # bank reported it or as found in the free text: not checked, a wrong digit included.
    structured_communication: str | None
    free_text: str
    counterparty_name: str
    counterparty_iban: str | None
    # The bank's own charges, interest and their refunds: recorded, never a family's payment.
    bank_fee: bool
    # CODA: the 8-digit transaction code; CAMT: domain/family/sub-family of BkTxCd.
    transaction_code: str
    # For one line of a globalised movement (several transfers booked as one amount): the bank
    # reference of that movement. The movement itself is never an entry of its own.
    detail_of: str | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount_cents > 0

    @property
    def is_debit(self) -> bool:
        return self.amount_cents < 0

    @property
    def creditable(self) -> bool:
        """Money a family may have sent: a credit that is not the bank's own."""
        return self.is_credit and not self.bank_fee

    @property
    def fingerprint(self) -> tuple[date, int, str | None]:
        """What any file of this entry says alike, whatever the bank's references: for flagging
        a new reference that looks like an entry credited before (a human decides)."""
        return (self.booking_date, self.amount_cents, self.structured_communication)


@dataclass(frozen=True, slots=True)
class Statement:
    format: StatementFormat
    account_iban: str  # compact, upper case
    currency: str
    # CODA: the statement's number (record 1, positions 3-5, restarting each year);
    # CAMT: ElctrncSeqNb, or LglSeqNb, or Stmt/Id when the bank numbers nothing.
    number: str
    # CODA: number/CODA sequence (record 1, positions 126-128); CAMT: Stmt/Id.
    identifier: str
    opening_date: date
    statement_date: date  # the date of the closing balance
    opening_balance_cents: int
    closing_balance_cents: int
    entries: tuple[Entry, ...]
    # CODA's duplicate mark (record 0, position 17): a copy the bank sent again.
    bank_duplicate: bool = False

    @property
    def movements_cents(self) -> int:
        return sum(entry.amount_cents for entry in self.entries)

    @property
    def identity(self) -> str:
        """Account + statement number + date: the same statement imported twice is refused
        as a duplicate. The format is part of it: a CAMT.053 over days already imported from
        CODA is a statement of its own, of which only new entries count."""
        return (
            f"{self.format.value}:{self.account_iban}:{self.identifier}:"
            f"{self.statement_date.isoformat()}"
        )


@dataclass(frozen=True, slots=True)
class StatementFile:
    format: StatementFormat
    statements: tuple[Statement, ...]

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(entry for statement in self.statements for entry in statement.entries)
