"""Exactly once across formats: the same bank movements read from CODA and from CAMT.053 carry
the same bank references, so a CAMT.053 over days already imported from CODA brings only the
entries not seen before (the rule: services/banking/references.py)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.banking.model import Entry
from services.banking.reader import read_statement_file
from services.banking.references import unique_references
from services.demo.statement_files import (
    DEMO_IBAN,
    Movement,
    camt053_file,
    coda_file,
    globalised,
    statement,
)

MONDAY, TUESDAY = date(2025, 9, 15), date(2025, 9, 16)
MONDAYS = (
    Movement(2500, "250915-0001", communication="100000004276", counterparty_name="Dupont"),
    Movement(2500, "250915-0002", communication="100000004276", counterparty_name="Dupont"),
    Movement(-350, "250915-0003", fee=True),
    globalised(
        "250915-0004",
        Movement(1200, "250915-0004-1", communication="100000005278"),
        Movement(800, "", communication="100000006280"),
    ),
)
TUESDAYS = (Movement(4000, "250916-0001", free_text="+++100/0000/07282+++"),)


def key(entry: Entry) -> tuple[object, ...]:
    return (
        entry.bank_reference,
        entry.booking_date,
        entry.value_date,
        entry.amount_cents,
        entry.structured_communication,
        entry.free_text,
        entry.counterparty_name,
        entry.counterparty_iban,
        entry.bank_fee,
        entry.detail_of,
    )


def test_the_same_movements_in_coda_and_in_camt_are_the_same_entries() -> None:
    day = statement(*MONDAYS, statement_date=MONDAY, opening_cents=5_000)
    from_coda = read_statement_file(coda_file(day), DEMO_IBAN).entries
    for version in ("02", "08"):
        from_camt = read_statement_file(camt053_file(day, version=version), DEMO_IBAN).entries
        assert [key(e) for e in from_camt] == [key(e) for e in from_coda]
        assert [e.fingerprint for e in from_camt] == [e.fingerprint for e in from_coda]
    assert [e.bank_reference for e in from_coda] == [
        "250915-0001",
        "250915-0002",
        "250915-0003",
        "250915-0004-1",
        "250915-0004/2",
    ]


def test_a_camt_over_days_imported_from_coda_brings_only_the_new_entries() -> None:
    monday = coda_file(statement(*MONDAYS, statement_date=MONDAY, opening_cents=5_000))
    both_days = camt053_file(
        statement(
            *MONDAYS,
            *(Movement(m.amount_cents, m.reference, m.communication, m.free_text, booking_date=TUESDAY)
              for m in TUESDAYS),
            statement_date=TUESDAY,
            opening_cents=5_000,
        )
    )  # fmt: skip
    seen = {e.bank_reference for e in read_statement_file(monday, DEMO_IBAN).entries}
    camt = read_statement_file(both_days, DEMO_IBAN)
    new = [e for e in camt.entries if e.bank_reference not in seen]
    assert [(e.bank_reference, e.booking_date, e.amount_cents, e.structured_communication)
            for e in new] == [("250916-0001", TUESDAY, 4000, "100000007282")]  # fmt: skip
    # The statements themselves differ: the CAMT one is not a duplicate of Monday's CODA.
    (coda_statement,) = read_statement_file(monday, DEMO_IBAN).statements
    assert camt.statements[0].identity != coda_statement.identity


def test_the_same_file_twice_gives_the_same_statement_identity_and_references() -> None:
    data = coda_file(statement(*MONDAYS, statement_date=MONDAY))
    first, second = (read_statement_file(data, DEMO_IBAN) for _ in range(2))
    assert first.statements[0].identity == second.statements[0].identity
    assert first.statements[0].identity == f"coda:{DEMO_IBAN}:001/001:2025-09-15"
    assert first == second


def test_a_reference_met_again_in_one_file_gets_a_suffix() -> None:
    entry = read_statement_file(coda_file(statement(Movement(100, "SAME"))), DEMO_IBAN).entries[0]
    again = unique_references([entry, entry, entry])
    assert [e.bank_reference for e in again] == ["SAME", "SAME#2", "SAME#3"]


def test_a_blank_bank_reference_falls_back_to_the_statement_and_position() -> None:
    entries = read_statement_file(
        coda_file(statement(Movement(100, "A"), Movement(200, ""), number=9)), DEMO_IBAN
    ).entries
    assert [e.bank_reference for e in entries] == ["A", "009/009/2"]


# What a bank may write in both formats: windows-1252 letters, free text of at most 140
# characters (a SEPA transfer's), names of at most 35 (CODA's room).
TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFXYZéèàçëô0123456789-/.,'", max_size=140)
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFXYZéèàçëô-'", max_size=35)
AMOUNTS = st.integers(min_value=-500_000, max_value=500_000).filter(bool)
COMMUNICATIONS = st.integers(min_value=1, max_value=9_999_999_999).map(
    lambda base: f"{base:010d}{base % 97 or 97:02d}"
)


@st.composite
def movements(draw: st.DrawFn) -> list[Movement]:
    made = []
    for index in range(draw(st.integers(min_value=0, max_value=8))):
        reference = f"REF{index:04d}"
        if draw(st.booleans()):  # globalised; a detail line may have no reference of its own
            lines = [
                Movement(draw(AMOUNTS), draw(st.sampled_from(["", f"{reference}-{n}"])),
                         draw(st.none() | COMMUNICATIONS))
                for n in range(draw(st.integers(min_value=1, max_value=3)))
            ]  # fmt: skip
            made.append(globalised(reference, *lines))
            continue
        made.append(
            Movement(
                draw(AMOUNTS),
                reference,
                draw(st.none() | COMMUNICATIONS),
                draw(TEXT).strip(),
                counterparty_name=draw(NAMES).strip(),
                counterparty_iban=draw(st.sampled_from([None, "BE68539007547034"])),
                fee=draw(st.booleans()),
                booking_date=draw(st.sampled_from([None, MONDAY - timedelta(days=1)])),
            )
        )
    return made


@settings(max_examples=60, deadline=None)
@given(movements(), st.integers(min_value=-1_000_000, max_value=1_000_000))
def test_any_statement_reads_alike_from_coda_and_from_camt(
    made: list[Movement], opening: int
) -> None:
    day = statement(*made, statement_date=MONDAY, opening_cents=opening)
    from_coda = read_statement_file(coda_file(day), DEMO_IBAN).entries
    from_camt = read_statement_file(camt053_file(day, version="08"), DEMO_IBAN).entries
    assert [key(e) for e in from_camt] == [key(e) for e in from_coda]
    assert len({e.bank_reference for e in from_coda}) == len(from_coda)
