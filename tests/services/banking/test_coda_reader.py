"""CODA files read through febelfin-coda: the package's own samples, files made to order, and
the globalised movements credited per detail line, never as a whole as well."""

from datetime import date
from pathlib import Path

import coda
import pytest

from services.banking.coda_reader import parse_coda
from services.banking.model import Entry, StatementFormat
from services.banking.problems import Problem, StatementRejected
from services.banking.reader import read_statement_file
from services.demo.statement_files import (
    DEMO_IBAN,
    Movement,
    coda_file,
    globalised,
    statement,
)

SAMPLES = Path(coda.__file__).parent
WALLET_42 = "100000004276"  # the structured communication of wallet 42
WALLET_52 = "100000005278"


def test_the_sample_shipped_with_febelfin_coda_reads_and_adds_up() -> None:
    (sample,) = read_statement_file(
        (SAMPLES / "CODA.txt").read_bytes(), "BE47435000000080"
    ).statements
    # An old Belgian account number (structure 0) is compared as its IBAN.
    assert sample.account_iban == "BE47435000000080"
    assert (sample.number, sample.identifier, sample.currency) == ("001", "001/001", "EUR")
    assert (sample.opening_date, sample.statement_date) == (date(2006, 12, 6), date(2006, 12, 7))
    assert (sample.opening_balance_cents, sample.closing_balance_cents) == (0, 940_529_699)
    assert sample.movements_cents == 940_529_699
    # 59 movements: 4 globalised by the customer or the bank give their 12 detail lines instead.
    assert len(sample.entries) == 59 - 4 + 12
    paid = next(e for e in sample.entries if e.bank_reference == "IKKUZ0AAAAOVSBBNONTVA")
    assert paid == Entry(
        bank_reference="IKKUZ0AAAAOVSBBNONTVA",
        booking_date=date(2006, 12, 6),
        value_date=date(2006, 12, 6),
        amount_cents=81756,
        structured_communication="269021157996",
        free_text="",
        counterparty_name="LA CROIX D OR SPRL",
        counterparty_iban="BE96370121620105",
        bank_fee=False,
        transaction_code="00150000",
    )


def test_the_samples_globalised_movements_become_their_detail_lines() -> None:
    (sample,) = parse_coda((SAMPLES / "CODA.txt").read_bytes())
    references = [e.bank_reference for e in sample.entries]
    # Card payments totalised by the bank (type 2, 1,705.25): three lines, not the total.
    assert "IJUF01356 BHKDGLPOSKV" not in references
    lines = [e for e in sample.entries if e.detail_of == "IJUF01356 BHKDGLPOSKV"]
    assert [(e.bank_reference, e.amount_cents) for e in lines] == [
        ("IHBC0001H BKTBBNPOSG1", 60000),
        ("IHBC0001I BKTBBNPOSG1", 108000),
        ("IHBC0001J BKTBBNPOSG1", 2525),
    ]
    # A movement of type 3 keeps its line: its details only break the same transfer down.
    foreign = next(e for e in sample.entries if e.bank_reference == "OL9456574JBBNEUBCRCL1")
    assert (foreign.amount_cents, foreign.counterparty_name) == (
        107500,
        "Olgerdin Egill Skallagrims",
    )
    assert foreign.counterparty_iban == "LU037050522702273100"
    # The sample books two movements under one reference: neither hides the other.
    assert references.count("BVGB00596LKKTOVSOVKUG") == 1
    assert "BVGB00596LKKTOVSOVKUG#2" in references
    # Bank charges are recognised by their CODA family or transaction (costs).
    charges = {e.bank_reference for e in sample.entries if e.bank_fee}
    assert {"OL9433967KBBOKOSDIVKS", "UWCCA0AFR OTFFAKABONF", "CXQZA0AAL BKTKOSKOBFG"} <= charges
    assert not any(e.bank_fee for e in sample.entries if e.transaction_code[1:5] == "0150")


def test_the_empty_sample_reads_as_a_statement_without_movements() -> None:
    (empty,) = parse_coda((SAMPLES / "CODA-empty.txt").read_bytes())
    assert empty.entries == ()
    assert empty.opening_balance_cents == empty.closing_balance_cents == 0


def test_a_file_made_for_the_school_reads_back_to_its_entries() -> None:
    data = coda_file(
        statement(
            Movement(
                2500,
                "0925BE0001RCPT",
                communication=WALLET_42,
                counterparty_name="Dupont Marie",
                counterparty_iban="BE68539007547034",
                value_date=date(2025, 9, 14),
            ),
            Movement(1000, "0925BE0002RCPT", free_text="repas Lina +++100/0000/05278+++ merci"),
            Movement(-1250, "0925BE0003PAY", counterparty_name="Boulangerie Léa", free_text="pain"),
            Movement(-350, "0925BE0004FEE", fee=True, free_text="Frais de gestion"),
            opening_cents=10_000,
            number=42,
        )
    )
    (read,) = read_statement_file(data, "BE71 0961 2345 6769").statements
    assert (read.format, read.account_iban, read.number) == (StatementFormat.CODA, DEMO_IBAN, "042")
    assert (read.opening_balance_cents, read.closing_balance_cents) == (10_000, 11_900)
    day = date(2025, 9, 15)
    assert read.entries == (
        Entry("0925BE0001RCPT", day, date(2025, 9, 14), 2500, WALLET_42, "", "Dupont Marie",
              "BE68539007547034", False, "00150000"),
        Entry("0925BE0002RCPT", day, day, 1000, WALLET_52, "repas Lina +++100/0000/05278+++ merci",
              "", None, False, "00150000"),
        Entry("0925BE0003PAY", day, day, -1250, None, "pain", "Boulangerie Léa", None, False,
              "00101000"),
        Entry("0925BE0004FEE", day, day, -350, None, "Frais de gestion", "", None, True, "08037000"),
    )  # fmt: skip
    assert [e.creditable for e in read.entries] == [True, True, False, False]


def test_a_globalised_movement_is_credited_per_detail_line_and_never_as_a_whole() -> None:
    data = coda_file(
        statement(
            globalised(
                "GLOB0001",
                Movement(1200, "GLOB0001D1", communication=WALLET_42, counterparty_name="A"),
                Movement(800, "", communication=WALLET_52, counterparty_name="B"),
                free_text="VIREMENTS GROUPES",
            )
        )
    )
    (read,) = read_statement_file(data, DEMO_IBAN).statements
    assert [(e.bank_reference, e.amount_cents, e.structured_communication, e.detail_of)
            for e in read.entries] == [
        ("GLOB0001D1", 1200, WALLET_42, "GLOB0001"),
        ("GLOB0001/2", 800, WALLET_52, "GLOB0001"),  # no reference of its own: the movement's
    ]  # fmt: skip
    assert read.movements_cents == 2000 == read.closing_balance_cents


def test_details_that_do_not_add_up_to_their_movement_refuse_the_file() -> None:
    data = coda_file(
        statement(globalised("GLOB0001", Movement(1200, "D1"), Movement(800, "D2")))
    ).decode("windows-1252")
    # The second detail says 9.00 instead of 8.00: the movement and the balances still agree.
    tampered = data.replace("0000000000008000", "0000000000009000")
    with pytest.raises(StatementRejected) as refused:
        parse_coda(tampered.encode("windows-1252"))
    assert refused.value.problem is Problem.DETAILS_MISMATCH
    assert refused.value.params == {
        "problem": "DETAILS_MISMATCH",
        "reference": "GLOB0001",
        "amount_cents": 2000,
        "details_cents": 2100,
    }


def test_several_statements_in_one_file_are_all_read() -> None:
    data = coda_file(
        statement(Movement(500, "R1"), number=7, statement_date=date(2025, 9, 15)),
        statement(
            Movement(700, "R2"), number=8, opening_cents=500, statement_date=date(2025, 9, 16)
        ),
    )
    first, second = read_statement_file(data, DEMO_IBAN).statements
    assert (first.number, first.statement_date, first.closing_balance_cents) == (
        "007",
        date(2025, 9, 15),
        500,
    )
    assert (second.number, second.opening_balance_cents, second.closing_balance_cents) == (
        "008",
        500,
        1200,
    )
    assert first.identity != second.identity


def test_a_copy_the_bank_marks_as_duplicate_says_so() -> None:
    (read,) = parse_coda(coda_file(statement(Movement(500, "R1")), duplicate=True))
    assert read.bank_duplicate


def test_the_helpers_files_pass_the_packages_own_checks() -> None:
    """febelfin-coda asserts record 9's count and totals and the balances: a second opinion on
    the test helper, independent of the reader under test."""
    data = coda_file(
        statement(
            Movement(2500, "R1", communication=WALLET_42, counterparty_name="Élise Noël"),
            Movement(-350, "R2", fee=True),
            globalised("R3", Movement(1200, "R3A"), Movement(800, "R3B")),
            opening_cents=-5_000,
        ),
        statement(Movement(100, "R4"), number=2, opening_cents=-850),
    )
    lines = data.decode("windows-1252").split("\r\n")
    assert lines.pop() == ""
    assert {len(line) for line in lines} == {128}
    assert "Élise Noël".encode("windows-1252") in data
    first, second = coda.CODA(lines).statements
    assert (first.old_balance, first.new_balance, first.number_records) == (-50, -8.5, 17)
    assert [m.communication for m in first.moves] == [WALLET_42, "", ""]
    assert [m.amount for m in first.moves[2].moves] == [12, 8]
    assert (second.old_balance, second.new_balance) == (-8.5, -7.5)
