"""ISO 20022 CAMT.053 bank statements (camt.053.001.02 and later versions), read with lxml
against the message's own namespace.

Read as Belgian banks fill it (Febelfin's XML statement guidelines): balances OPBD (or PRCD)
and CLBD; booked entries only (`Sts` BOOK; the element is a code in .02, a choice from .07
on); the parties as `Dbtr/Nm` (up to .07) or `Dbtr/Pty/Nm` (.08 on); a detail's amount as
`AmtDtls/TxAmt/Amt` (.02) or `Amt`. The structured communication is
`RmtInf/Strd/CdtrRefInf/Ref` issued by BBA (or twelve digits with valid check digits when the
issuer is missing), failing that a `+++ddd/dddd/ddddd+++` in the unstructured text.

An entry with a `Btch` or several `TxDtls` (a batch) gives one entry per detail when their
amounts add up to it (refused when they do not), as CODA's globalised movements do; a batch
whose details carry no amounts stays one entry.
The file is whole when it parses, its last page is there (`LastPgInd`), and it holds as
many entries as its summary says (`TxsSummry/TtlNtries/NbOfNtries`).
"""

import re
from datetime import date

from lxml import etree

from services.banking import communications, references
from services.banking.fields import compact_iban, counterparty_iban, to_cents
from services.banking.model import Entry, Statement, StatementFormat
from services.banking.problems import Problem, StatementRejected

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d+)")
OPENING = ("OPBD", "PRCD")
CLOSING = "CLBD"
FEE_SUB_FAMILIES = {"CHRG", "FEES", "COMM", "INTR", "TAXE"}
BELGIAN_ISSUER = "BBA"
# No entities, no DTD, no network: a statement is data, never instructions to fetch.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
)


def parse_camt053(data: bytes) -> tuple[Statement, ...]:
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        if not data.rstrip().endswith(b"Document>"):
            raise StatementRejected(Problem.INCOMPLETE, reason="cut_off") from None
        line = error.lineno or 0
        raise StatementRejected(Problem.UNREADABLE, reason="line", line=line) from None
    namespace = etree.QName(root).namespace or ""
    if NAMESPACE.fullmatch(namespace) is None or etree.QName(root).localname != "Document":
        raise StatementRejected(Problem.UNKNOWN_FORMAT)
    xml = _Xml(namespace)
    message = xml.find(root, "BkToCstmrStmt")
    if message is None:
        raise StatementRejected(Problem.UNREADABLE, reason="no_statement")
    _check_last_page(xml, xml.find(message, "GrpHdr/MsgPgntn"))
    statements = xml.findall(message, "Stmt")
    if not statements:
        raise StatementRejected(Problem.UNREADABLE, reason="no_statement")
    try:
        return tuple(_statement(xml, statement) for statement in statements)
    except ValueError:  # a date or an amount that is none
        raise StatementRejected(Problem.UNREADABLE, reason="characters") from None


class _Xml:
    """Paths written without the namespace, found within it."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}"

    def _path(self, path: str) -> str:
        return "/".join(self.prefix + step for step in path.split("/"))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self._path(path))

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(self._path(path))

    def text(self, element: etree._Element | None, *paths: str) -> str:
        """The text of the first of `paths` present, stripped, or ''."""
        if element is None:
            return ""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return ""

    def date(self, element: etree._Element | None, path: str) -> date | None:
        text = self.text(element, f"{path}/Dt", f"{path}/DtTm")
        return date.fromisoformat(text[:10]) if text else None


def _check_last_page(xml: _Xml, pagination: etree._Element | None) -> None:
    if pagination is not None and xml.text(pagination, "LastPgInd").lower() in ("false", "0"):
        raise StatementRejected(
            Problem.INCOMPLETE, reason="more_pages", page=xml.text(pagination, "PgNb")
        )


def _statement(xml: _Xml, stmt: etree._Element) -> Statement:
    _check_last_page(xml, xml.find(stmt, "StmtPgntn"))
    identifier = xml.text(stmt, "Id")
    account = xml.find(stmt, "Acct")
    balances: dict[str, etree._Element] = {}
    for balance in xml.findall(stmt, "Bal"):
        code = xml.text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
        balances.setdefault(code, balance)
    opening = next((balances[code] for code in OPENING if code in balances), None)
    closing = balances.get(CLOSING)
    if opening is None or closing is None:
        raise StatementRejected(Problem.INCOMPLETE, reason="balances")
    entries_xml = xml.findall(stmt, "Ntry")
    announced = xml.text(stmt, "TxsSummry/TtlNtries/NbOfNtries")
    if announced and int(announced) != len(entries_xml):
        raise StatementRejected(
            Problem.INCOMPLETE,
            reason="entry_count",
            expected=int(announced),
            found=len(entries_xml),
        )
    entries: list[Entry] = []
    for ntry in entries_xml:
        if xml.text(ntry, "Sts", "Sts/Cd") not in ("", "BOOK"):
            continue  # pending or for information: not on the balance
        entries.extend(_entries_of(xml, ntry, identifier, position=len(entries) + 1))
    return Statement(
        format=StatementFormat.CAMT053,
        account_iban=compact_iban(xml.text(account, "Id/IBAN", "Id/Othr/Id")),
        currency=_currency(xml, stmt, xml.text(account, "Ccy")),
        number=xml.text(stmt, "ElctrncSeqNb", "LglSeqNb", "Id"),
        identifier=identifier,
        opening_date=_required(xml.date(opening, "Dt")),
        statement_date=_required(xml.date(closing, "Dt")),
        opening_balance_cents=_signed(xml, opening),
        closing_balance_cents=_signed(xml, closing),
        entries=tuple(references.unique_references(entries)),
    )


def _currency(xml: _Xml, stmt: etree._Element, account_currency: str) -> str:
    """The account's currency, or the first other one an amount of the statement is in."""
    amounts = xml.findall(stmt, "Bal/Amt") + xml.findall(stmt, "Ntry/Amt")
    currencies = [str(amount.get("Ccy", "")) for amount in amounts]
    expected = account_currency or next((found for found in currencies if found), "")
    return next((found for found in currencies if found and found != expected), expected)


def _required(value: date | None) -> date:
    if value is None:
        raise ValueError("a date is missing")
    return value


def _signed(xml: _Xml, element: etree._Element) -> int:
    """The element's Amt in cents, negative when its CdtDbtInd says DBIT."""
    cents = to_cents(xml.text(element, "Amt"))
    return -cents if xml.text(element, "CdtDbtInd") == "DBIT" else cents


def _entries_of(xml: _Xml, ntry: etree._Element, identifier: str, position: int) -> list[Entry]:
    amount = _signed(xml, ntry)
    details = [
        detail
        for entry_details in xml.findall(ntry, "NtryDtls")
        for detail in xml.findall(entry_details, "TxDtls")
    ]
    reference = references.fallback_reference(
        xml.text(ntry, "AcctSvcrRef", "NtryRef")
        or (xml.text(details[0], "Refs/AcctSvcrRef") if len(details) == 1 else ""),
        identifier,
        position,
    )
    batch = len(details) > 1 or xml.find(ntry, "NtryDtls/Btch") is not None
    if not batch:
        return [_entry(xml, ntry, details[0] if details else None, reference, amount)]
    sign = 1 if amount >= 0 else -1
    amounts = [_detail_amount(xml, detail, sign) for detail in details]
    if amounts == [None]:  # a batch of one: its amount is the entry's
        amounts = [amount]
    if None in amounts:  # no way to split it: one entry, to be assigned by hand
        return [_entry(xml, ntry, None, reference, amount)]
    split = [cents for cents in amounts if cents is not None]
    if sum(split) != amount:
        raise StatementRejected(
            Problem.DETAILS_MISMATCH,
            reference=reference,
            amount_cents=amount,
            details_cents=sum(split),
        )
    return [
        _entry(
            xml,
            ntry,
            detail,
            references.detail_reference(reference, xml.text(detail, "Refs/AcctSvcrRef"), index),
            cents,
            detail_of=reference,
        )
        for index, (detail, cents) in enumerate(zip(details, split, strict=True), start=1)
    ]


def _detail_amount(xml: _Xml, detail: etree._Element, sign: int) -> int | None:
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        found = xml.find(detail, path)
        if found is not None and found.text:
            indicator = xml.text(detail, "CdtDbtInd")
            own = -1 if indicator == "DBIT" else 1 if indicator == "CRDT" else sign
            return own * to_cents(found.text.strip())
    return None


def _entry(
    xml: _Xml,
    ntry: etree._Element,
    detail: etree._Element | None,
    reference: str,
    amount: int,
    detail_of: str | None = None,
) -> Entry:
    booking = _required(xml.date(ntry, "BookgDt"))
    # The other side: who paid a credit, who was paid by a debit.
    party, account = ("Dbtr", "DbtrAcct") if amount >= 0 else ("Cdtr", "CdtrAcct")
    free_text = _free_text(xml, ntry, detail)
    code_owner = detail if detail is not None and xml.find(detail, "BkTxCd") is not None else ntry
    domain = xml.text(code_owner, "BkTxCd/Domn/Cd")
    family = xml.text(code_owner, "BkTxCd/Domn/Fmly/Cd")
    sub_family = xml.text(code_owner, "BkTxCd/Domn/Fmly/SubFmlyCd")
    return Entry(
        bank_reference=reference,
        booking_date=booking,
        value_date=xml.date(ntry, "ValDt") or booking,
        amount_cents=amount,
        structured_communication=_structured(xml, detail)
        or communications.structured_in_text(free_text),
        free_text=free_text,
        counterparty_name=xml.text(detail, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"),
        counterparty_iban=counterparty_iban(xml.text(detail, f"RltdPties/{account}/Id/IBAN")),
        bank_fee=sub_family in FEE_SUB_FAMILIES,
        transaction_code="/".join(code for code in (domain, family, sub_family) if code),
        detail_of=detail_of,
    )


def _free_text(xml: _Xml, ntry: etree._Element, detail: etree._Element | None) -> str:
    """The unstructured remittance lines (140 characters each) as one text, else what the
    bank added about the transaction or the entry."""
    lines = xml.findall(detail, "RmtInf/Ustrd") if detail is not None else []
    text = " ".join(
        " ".join(line.text.split()) for line in lines if line.text and line.text.strip()
    )
    return text or xml.text(detail, "AddtlTxInf") or xml.text(ntry, "AddtlNtryInf")


def _structured(xml: _Xml, detail: etree._Element | None) -> str | None:
    if detail is None:
        return None
    for creditor_reference in xml.findall(detail, "RmtInf/Strd/CdtrRefInf"):
        digits = communications.digits_of(xml.text(creditor_reference, "Ref"))
        issuer = xml.text(creditor_reference, "Tp/Issr").upper()
        if len(digits) != communications.DIGITS:
            continue
        if issuer == BELGIAN_ISSUER or (not issuer and communications.is_valid(digits)):
            return digits
    return None
