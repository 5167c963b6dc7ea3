"""CAMT.053 files (versions .02, .08 and .13 as made by the test helper, and hand-written
variants of what Belgian banks send) read with lxml."""

import re
from datetime import date

import pytest

from services.banking.camt_reader import parse_camt053
from services.banking.detect import detect_format
from services.banking.model import Entry, StatementFormat
from services.banking.problems import Problem, StatementRejected
from services.banking.reader import read_statement_file
from services.demo.statement_files import (
    DEMO_IBAN,
    Movement,
    StatementSpec,
    camt053_file,
    globalised,
    statement,
)

WALLET_42 = "100000004276"
WALLET_52 = "100000005278"
DAY = date(2025, 9, 15)
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def school_statement() -> StatementSpec:
    return statement(
        Movement(2500, "BK-1", communication=WALLET_42, counterparty_name="Dupont Marie",
                 counterparty_iban="BE68539007547034"),
        Movement(1000, "BK-2", free_text="repas Lina +++100/0000/05278+++ merci",
                 counterparty_name="Martin Paul"),
        Movement(-1250, "BK-3", counterparty_name="Boulangerie Léa", free_text="pain"),
        Movement(-350, "BK-4", fee=True),
        globalised("BK-5", Movement(1200, "BK-5A", communication=WALLET_42),
                   Movement(800, "BK-5B", communication=WALLET_52)),
        opening_cents=10_000, number=17,
    )  # fmt: skip


@pytest.mark.parametrize("version", ["02", "08", "13"])
def test_a_statement_reads_back_to_its_entries_in_each_version(version: str) -> None:
    data = camt053_file(school_statement(), version=version)
    (read,) = read_statement_file(data, "BE71 0961 2345 6769").statements
    assert (read.format, read.account_iban, read.currency) == (
        StatementFormat.CAMT053,
        DEMO_IBAN,
        "EUR",
    )
    assert (read.number, read.identifier, read.statement_date) == ("17", "2025-017", DAY)
    assert (read.opening_balance_cents, read.closing_balance_cents) == (10_000, 13_900)
    assert read.entries == (
        Entry("BK-1", DAY, DAY, 2500, WALLET_42, "", "Dupont Marie", "BE68539007547034", False,
              "PMNT/RCDT/ESCT"),
        Entry("BK-2", DAY, DAY, 1000, WALLET_52, "repas Lina +++100/0000/05278+++ merci",
              "Martin Paul", None, False, "PMNT/RCDT/ESCT"),
        Entry("BK-3", DAY, DAY, -1250, None, "pain", "Boulangerie Léa", None, False,
              "PMNT/ICDT/ESCT"),
        Entry("BK-4", DAY, DAY, -350, None, "", "", None, True, "ACMT/MDOP/CHRG"),
        Entry("BK-5A", DAY, DAY, 1200, WALLET_42, "", "", None, False, "PMNT/RCDT/ESCT", "BK-5"),
        Entry("BK-5B", DAY, DAY, 800, WALLET_52, "", "", None, False, "PMNT/RCDT/ESCT", "BK-5"),
    )  # fmt: skip


def camt(entries: str, *, opening: str = "100.00", closing: str = "100.00") -> bytes:
    """A hand-written camt.053.001.02 statement of the demo account around `entries`."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NS}"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-09-15T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-1</Id><LglSeqNb>5</LglSeqNb><CreDtTm>2025-09-15T18:00:00</CreDtTm>
<Acct><Id><IBAN>{DEMO_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-14</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-09-15</Dt></Dt></Bal>
{entries}
</Stmt></BkToCstmrStmt></Document>""".encode()


def entry(amount: str, details: str, *, reference: str = "<AcctSvcrRef>E1</AcctSvcrRef>",
          status: str = "BOOK", indicator: str = "CRDT") -> str:  # fmt: skip
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>
<Sts>{status}</Sts><BookgDt><DtTm>2025-09-15T09:12:00</DtTm></BookgDt>
<ValDt><Dt>2025-09-15</Dt></ValDt>{reference}<NtryDtls>{details}</NtryDtls></Ntry>"""


def test_the_structured_reference_is_the_one_issued_by_bba() -> None:
    details = """<TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>
<Issr>ISO</Issr></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>
<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>
<Ref>+++100/0000/04276+++</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"""
    (read,) = parse_camt053(camt(entry("25.00", details), closing="125.00"))
    (only,) = read.entries
    assert only.structured_communication == WALLET_42
    # PRCD stands in for OPBD; ElctrncSeqNb missing: the legal sequence number; times: dates.
    assert (read.opening_balance_cents, read.number, read.opening_date) == (
        10_000,
        "5",
        date(2025, 9, 14),
    )
    assert only.booking_date == DAY


def test_a_wrong_check_digit_from_bba_is_kept_for_the_suggestions() -> None:
    details = """<TxDtls><RmtInf><Strd><CdtrRefInf><Tp><Issr>BBA</Issr></Tp>
<Ref>100000004277</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"""
    (read,) = parse_camt053(camt(entry("25.00", details), closing="125.00"))
    assert read.entries[0].structured_communication == "100000004277"


def test_without_a_structured_reference_the_communication_is_found_in_the_text() -> None:
    details = """<TxDtls><RmtInf><Ustrd>Repas de septembre</Ustrd>
<Ustrd>*** 100 / 0000 / 04276 ***</Ustrd></RmtInf></TxDtls>"""
    (read,) = parse_camt053(camt(entry("25.00", details), closing="125.00"))
    (only,) = read.entries
    assert only.free_text == "Repas de septembre *** 100 / 0000 / 04276 ***"
    assert only.structured_communication == WALLET_42


def test_pending_entries_are_not_on_the_statement() -> None:
    booked = entry("25.00", "<TxDtls/>")
    pending = entry("99.00", "<TxDtls/>", status="PDNG", reference="<AcctSvcrRef>E2</AcctSvcrRef>")
    (read,) = read_statement_file(camt(booked + pending, closing="125.00"), DEMO_IBAN).statements
    assert [e.bank_reference for e in read.entries] == ["E1"]


def test_a_batch_whose_details_carry_no_amounts_stays_one_entry() -> None:
    details = """<Btch><NbOfTxs>2</NbOfTxs></Btch>
<TxDtls><RmtInf><Ustrd>un</Ustrd></RmtInf></TxDtls><TxDtls><RmtInf><Ustrd>deux</Ustrd></RmtInf></TxDtls>"""
    (read,) = read_statement_file(
        camt(entry("40.00", details), closing="140.00"), DEMO_IBAN
    ).statements
    assert [
        (e.bank_reference, e.amount_cents, e.structured_communication) for e in read.entries
    ] == [("E1", 4000, None)]


def test_batch_details_that_do_not_add_up_refuse_the_file() -> None:
    amount = '<AmtDtls><TxAmt><Amt Ccy="EUR">{}</Amt></TxAmt></AmtDtls>'
    details = f"<TxDtls>{amount.format('10.00')}</TxDtls><TxDtls>{amount.format('20.00')}</TxDtls>"
    with pytest.raises(StatementRejected) as refused:
        parse_camt053(camt(entry("40.00", details), closing="140.00"))
    assert refused.value.problem is Problem.DETAILS_MISMATCH
    assert refused.value.message("en") == (
        "The details of the grouped movement E1 (€30.00) do not match its amount (€40.00). "
        "Nothing was imported. Download it again from your online banking; if this happens "
        "again, contact your bank."
    )


def test_entities_are_never_expanded() -> None:
    data = camt(entry("25.00", "<TxDtls><RmtInf><Ustrd>&secret;</Ustrd></RmtInf></TxDtls>"),
                closing="125.00")  # fmt: skip
    doctype = b'<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    data = data.replace(b"<Document", doctype + b"<Document", 1)
    (read,) = parse_camt053(data)
    assert "root" not in read.entries[0].free_text


def test_a_namespace_written_with_a_prefix_reads_alike() -> None:
    plain = camt053_file(school_statement())
    text = plain.decode()
    prefixed = re.sub(r"<(/?)(\w+)", r"<\1c:\2", text).replace("xmlns=", "xmlns:c=")
    assert "<c:Document xmlns:c=" in prefixed
    assert detect_format(prefixed.encode()) is StatementFormat.CAMT053
    assert parse_camt053(prefixed.encode()) == parse_camt053(plain)
