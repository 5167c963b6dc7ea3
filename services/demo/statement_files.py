"""Bank statement files made to order: CODA (Febelfin, 128-character records, windows-1252)
and CAMT.053 XML, for one account and a list of movements, balanced and counted as a bank
would. Tests and the demo school's sample files use them; defects (a wrong closing balance,
another currency) are asked for explicitly, truncation is the caller's slicing.

One `Movement` gives the same entry in both formats: its `reference` is the bank's reference
(CODA record 2.1 positions 11-31, CAMT `Ntry/AcctSvcrRef`). A movement with `details` is
globalised: CODA writes a type-2 movement with type-6 detail lines, CAMT one `Ntry` with a
`TxDtls` per detail (each with its own `Refs/AcctSvcrRef`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from lxml import etree

DEMO_IBAN = "BE71096123456769"
CODA_LINE = 128
# CODA transaction codes after the type digit: family, transaction, category. 01/50 a
# credit transfer received, 01/01 one sent, 80/37 costs charged by the bank.
CREDIT_CODE, DEBIT_CODE, FEE_CODE = "0150000", "0101000", "8037000"


@dataclass(frozen=True)
class Movement:
    amount_cents: int  # positive: money in
    reference: str
    communication: str | None = None  # 12 digits, written as a structured communication
    free_text: str = ""
    counterparty_name: str = ""
    counterparty_iban: str | None = None
    fee: bool = False
    booking_date: date | None = None  # default: the statement's date
    value_date: date | None = None
    details: tuple["Movement", ...] = ()

    def total_cents(self) -> int:
        return sum(d.amount_cents for d in self.details) if self.details else self.amount_cents


@dataclass(frozen=True)
class StatementSpec:
    movements: tuple[Movement, ...]
    statement_date: date = date(2025, 9, 15)
    iban: str = DEMO_IBAN
    opening_cents: int = 0
    number: int = 1
    closing_cents: int | None = None  # None: the right one
    currency: str = "EUR"
    holder: str = "ECOLE DES TILLEULS"

    def closing(self) -> int:
        if self.closing_cents is not None:
            return self.closing_cents
        return self.opening_cents + sum(m.total_cents() for m in self.movements)


def statement(*movements: Movement, **options: Any) -> StatementSpec:
    return StatementSpec(movements=movements, **options)


def globalised(reference: str, *details: Movement, free_text: str = "") -> Movement:
    """Several transfers the bank booked as one amount (the sum of the details)."""
    return Movement(
        amount_cents=sum(d.amount_cents for d in details),
        reference=reference,
        free_text=free_text,
        details=details,
    )


# CODA -----------------------------------------------------------------------------------
# Each record is written field by field as (text, width), in the order of Febelfin's CODA 2.x
# layout; a text longer than its field is an error of the test, not cut silently.


def coda_file(*statements: StatementSpec, duplicate: bool = False) -> bytes:
    records = [r for spec in statements for r in _coda_statement(spec, duplicate)]
    return ("\r\n".join(records) + "\r\n").encode("windows-1252")


def _record(*fields: tuple[str, int]) -> str:
    for text, width in fields:
        assert len(text) <= width, (text, width)
    record = "".join(text.ljust(width) for text, width in fields)
    assert len(record) == CODA_LINE, (len(record), record)
    return record


def _coda_statement(spec: StatementSpec, duplicate: bool) -> list[str]:
    day = _ddmmyy(spec.statement_date)
    number = f"{spec.number % 1000:03d}"
    # Account structure 2: a Belgian IBAN on 31 positions, 3 blanks, the currency.
    account = (spec.iban.ljust(34) + spec.currency, 37)
    header = _record(
        ("0", 1), ("0000", 4), (day, 6), ("096", 3), ("05", 2), ("D" if duplicate else "", 1),
        ("", 7), (f"{spec.number:010d}", 10), (spec.holder, 26), ("GKCCBEBB", 11),
        ("0" * 11, 11), ("", 1), ("00000", 5), ("", 16), ("", 16), ("", 7), ("2", 1),
    )  # fmt: skip
    old = _record(
        ("1", 1), ("2", 1), (number, 3), account, (_coda_amount(spec.opening_cents), 16),
        (day, 6), (spec.holder, 26), ("Compte courant", 35), (number, 3),
    )  # fmt: skip
    body = [
        line
        for sequence, movement in enumerate(spec.movements, start=1)
        for line in _coda_movement(movement, sequence, spec, number)
    ]
    new = _record(
        ("8", 1), (number, 3), account, (_coda_amount(spec.closing()), 16), (day, 6), ("", 64),
        ("0", 1),
    )  # fmt: skip
    counted = [old, *body, new]
    debit = sum(-m.total_cents() for m in spec.movements if m.total_cents() < 0)
    credit = sum(m.total_cents() for m in spec.movements if m.total_cents() > 0)
    trailer = _record(
        ("9", 1), ("", 15), (f"{len(counted):06d}", 6), (f"{debit * 10:015d}", 15),
        (f"{credit * 10:015d}", 15), ("", 75), ("2", 1),
    )  # fmt: skip
    return [header, *counted, trailer]


def _coda_movement(
    movement: Movement, sequence: int, spec: StatementSpec, number: str
) -> list[str]:
    if not movement.details:
        if movement.fee:
            code = FEE_CODE
        else:
            code = CREDIT_CODE if movement.amount_cents > 0 else DEBIT_CODE
        return _coda_lines(movement, sequence, 0, "0" + code, spec, number)
    # Globalised by the bank: type 2, its details type 6.
    code = CREDIT_CODE if movement.total_cents() > 0 else DEBIT_CODE
    lines = _coda_lines(movement, sequence, 0, "2" + code, spec, number)
    for detail_number, detail in enumerate(movement.details, start=1):
        lines.extend(_coda_lines(detail, sequence, detail_number, "6" + code, spec, number))
    return lines


def _coda_lines(
    movement: Movement, sequence: int, detail: int, code: str, spec: StatementSpec, number: str
) -> list[str]:
    """Records 2.1, 2.2 and 2.3 of one movement or detail line."""
    booked = movement.booking_date or spec.statement_date
    value = movement.value_date or booked
    where = [(f"{sequence:04d}", 4), (f"{detail:04d}", 4)]
    if movement.communication is not None:  # type 101: the 12 digits after the type
        kind, text = "1", "101" + movement.communication
    else:
        kind, text = "0", movement.free_text
    assert len(text) <= 53 + 53 + 43, "free text too long for CODA"
    text = text.ljust(53 + 53 + 43)
    party = movement.counterparty_iban or ""
    return [
        _record(
            ("21", 2), *where, (movement.reference, 21),
            (_coda_amount(movement.total_cents()), 16), (_ddmmyy(value), 6), (code, 8),
            (kind, 1), (text[:53], 53), (_ddmmyy(booked), 6), (number, 3), ("0", 1), ("1", 1),
            ("", 1), ("0", 1),
        ),
        _record(
            ("22", 2), *where, (text[53:106], 53), ("", 35), ("", 11), ("", 3), ("", 13),
            ("1", 1), ("", 1), ("0", 1),
        ),
        _record(
            ("23", 2), *where, (party.ljust(34) + (spec.currency if party else ""), 37),
            (movement.counterparty_name, 35), (text[106:], 43), ("0", 1), ("", 1), ("0", 1),
        ),
    ]  # fmt: skip


def _coda_amount(cents: int) -> str:
    """Sign (0 credit, 1 debit) and 15 digits in thousandths."""
    return ("1" if cents < 0 else "0") + f"{abs(cents) * 10:015d}"


def _ddmmyy(day: date) -> str:
    return day.strftime("%d%m%y")


# CAMT.053 -------------------------------------------------------------------------------


def camt053_file(
    *statements: StatementSpec,
    version: str = "02",
    last_page: bool = True,
    announce_entries: int | None = None,
) -> bytes:
    """`version` is camt.053.001.<version>: .02 writes the elements of .02 (Sts as text,
    AmtDtls/TxAmt, Dbtr/Nm), later ones those of later versions (Sts/Cd from .07, TxDtls/Amt
    from .03, Dbtr/Pty/Nm from .08)."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    v = int(version)
    x = _Builder(ns)
    document = x("Document")
    message = x.sub(document, "BkToCstmrStmt")
    header = x.sub(message, "GrpHdr")
    x.sub(header, "MsgId", "MSG-" + statements[0].statement_date.isoformat())
    x.sub(header, "CreDtTm", datetime.combine(statements[0].statement_date, time(18)).isoformat())
    pages = x.sub(header, "MsgPgntn")
    x.sub(pages, "PgNb", "1")
    x.sub(pages, "LastPgInd", "true" if last_page else "false")
    for spec in statements:
        _camt_statement(x, message, spec, v, announce_entries)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Builder:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def __call__(self, tag: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns})

    def sub(
        self, parent: etree._Element, tag: str, text: str | None = None, **attributes: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    def path(self, parent: etree._Element, path: str, text: str | None = None) -> etree._Element:
        element = parent
        for step in path.split("/"):
            element = self.sub(element, step)
        element.text = text
        return element


def _camt_statement(
    x: _Builder, message: etree._Element, spec: StatementSpec, v: int, announce: int | None
) -> None:
    stmt = x.sub(message, "Stmt")
    day = spec.statement_date.isoformat()
    x.sub(stmt, "Id", f"{spec.statement_date.year}-{spec.number:03d}")
    x.sub(stmt, "ElctrncSeqNb", str(spec.number))
    x.sub(stmt, "LglSeqNb", str(spec.number))
    x.sub(stmt, "CreDtTm", f"{day}T18:00:00")
    account = x.sub(stmt, "Acct")
    x.path(account, "Id/IBAN", spec.iban)
    x.sub(account, "Ccy", spec.currency)
    _balance(x, stmt, "OPBD", spec.opening_cents, spec.statement_date, spec.currency)
    _balance(x, stmt, "CLBD", spec.closing(), spec.statement_date, spec.currency)
    x.path(
        stmt,
        "TxsSummry/TtlNtries/NbOfNtries",
        str(announce if announce is not None else len(spec.movements)),
    )
    for movement in spec.movements:
        _entry(x, stmt, movement, spec, v)


def _balance(
    x: _Builder, stmt: etree._Element, code: str, cents: int, day: date, currency: str
) -> None:
    balance = x.sub(stmt, "Bal")
    x.path(balance, "Tp/CdOrPrtry/Cd", code)
    x.sub(balance, "Amt", _decimal(cents), Ccy=currency)
    x.sub(balance, "CdtDbtInd", "DBIT" if cents < 0 else "CRDT")
    x.path(balance, "Dt/Dt", day.isoformat())


def _entry(
    x: _Builder, stmt: etree._Element, movement: Movement, spec: StatementSpec, v: int
) -> None:
    total = movement.total_cents()
    booked = movement.booking_date or spec.statement_date
    ntry = x.sub(stmt, "Ntry")
    x.sub(ntry, "Amt", _decimal(total), Ccy=spec.currency)
    x.sub(ntry, "CdtDbtInd", "DBIT" if total < 0 else "CRDT")
    if v >= 7:
        x.path(ntry, "Sts/Cd", "BOOK")
    else:
        x.sub(ntry, "Sts", "BOOK")
    x.path(ntry, "BookgDt/Dt", booked.isoformat())
    x.path(ntry, "ValDt/Dt", (movement.value_date or booked).isoformat())
    x.sub(ntry, "AcctSvcrRef", movement.reference)
    _bank_code(x, ntry, movement.fee, total)
    details = x.sub(ntry, "NtryDtls")
    if movement.details:
        x.path(details, "Btch/NbOfTxs", str(len(movement.details)))
        for detail in movement.details:
            _details(x, details, detail, v, batched=True)
    else:
        _details(x, details, movement, v, batched=False)
    if movement.details and movement.free_text:
        x.sub(ntry, "AddtlNtryInf", movement.free_text)


def _bank_code(x: _Builder, parent: etree._Element, fee: bool, cents: int) -> None:
    domain, family, sub = (
        ("ACMT", "MDOP", "CHRG") if fee else ("PMNT", "RCDT" if cents > 0 else "ICDT", "ESCT")
    )
    code = x.path(parent, "BkTxCd/Domn/Cd", domain).getparent()
    assert code is not None
    fmly = x.sub(code, "Fmly")
    x.sub(fmly, "Cd", family)
    x.sub(fmly, "SubFmlyCd", sub)


def _details(
    x: _Builder, parent: etree._Element, movement: Movement, v: int, batched: bool
) -> None:
    tx = x.sub(parent, "TxDtls")
    refs = x.sub(tx, "Refs")
    if batched:
        x.sub(refs, "AcctSvcrRef", movement.reference)
    x.sub(refs, "EndToEndId", "NOTPROVIDED")
    amount = _decimal(movement.amount_cents)
    if batched and v >= 3:
        x.sub(tx, "Amt", amount, Ccy="EUR")
        x.sub(tx, "CdtDbtInd", "DBIT" if movement.amount_cents < 0 else "CRDT")
    elif batched:
        x.sub(x.path(tx, "AmtDtls/TxAmt"), "Amt", amount, Ccy="EUR")
    if movement.counterparty_name or movement.counterparty_iban:
        party, account = ("Dbtr", "DbtrAcct") if movement.amount_cents > 0 else ("Cdtr", "CdtrAcct")
        parties = x.sub(tx, "RltdPties")
        if movement.counterparty_name:
            x.path(
                parties, f"{party}/Pty/Nm" if v >= 8 else f"{party}/Nm", movement.counterparty_name
            )
        if movement.counterparty_iban:
            x.path(parties, f"{account}/Id/IBAN", movement.counterparty_iban)
    if movement.communication is not None:
        reference = x.path(tx, "RmtInf/Strd/CdtrRefInf")
        kind = x.sub(reference, "Tp")
        x.path(kind, "CdOrPrtry/Cd", "SCOR")
        x.sub(kind, "Issr", "BBA")
        x.sub(reference, "Ref", movement.communication)
    elif movement.free_text:
        assert len(movement.free_text) <= 140, "a SEPA transfer carries one Ustrd of 140"
        x.path(tx, "RmtInf/Ustrd", movement.free_text)


def _decimal(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"
