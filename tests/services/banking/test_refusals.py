"""A statement file is refused whole, with a reason a clerk can act on, when it is not a
statement, is cut off, does not add up, or is not the school's account in euros."""

import subprocess
import sys
from pathlib import Path

import coda
import pytest

from services.banking.coda_reader import parse_coda
from services.banking.detect import detect_format
from services.banking.model import StatementFormat
from services.banking.problems import Problem, StatementRejected
from services.banking.reader import read_statement_file
from services.common.errors import DomainError, ErrorCode
from services.demo.statement_files import (
    DEMO_IBAN,
    Movement,
    StatementSpec,
    camt053_file,
    coda_file,
    globalised,
    statement,
)
from tests.support.files import pdf_bytes

OTHER_IBAN = "BE68539007547034"


def payments(**options: object) -> StatementSpec:
    return statement(
        Movement(2500, "R1", communication="100000004276"),
        Movement(-350, "R2", fee=True),
        globalised("R3", Movement(1200, "R3A"), Movement(800, "R3B")),
        opening_cents=10_000,
        number=3,
        **options,
    )


def refusal(data: bytes, school_iban: str = DEMO_IBAN) -> StatementRejected:
    with pytest.raises(StatementRejected) as refused:
        read_statement_file(data, school_iban)
    return refused.value


BOTH = pytest.mark.parametrize("make", [coda_file, camt053_file], ids=["coda", "camt053"])


@BOTH
def test_the_format_is_recognised_from_the_bytes(make) -> None:
    expected = StatementFormat.CODA if make is coda_file else StatementFormat.CAMT053
    assert detect_format(make(payments())) is expected
    assert detect_format(b"\xef\xbb\xbf" + make(payments())) is expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        pdf_bytes("Extrait de compte"),
        b"Date;Montant;Communication\n2025-09-15;25,00;+++100/0000/04276+++\n",
        camt053_file(payments()).replace(b"camt.053.001.02", b"camt.052.001.02"),
        b"<html><body>camt.053.001.02</body></html>",
    ],
    ids=["empty", "pdf", "csv", "camt052", "html"],
)
def test_anything_else_is_an_unknown_format(data: bytes) -> None:
    assert detect_format(data) is None
    refused = refusal(data)
    assert refused.problem is Problem.UNKNOWN_FORMAT
    assert (refused.code, refused.field) == (ErrorCode.UNSUPPORTED_FILE_TYPE, "file")
    assert isinstance(refused, DomainError)
    assert refused.message("fr") == (
        "Ce fichier n'est pas un extrait de compte au format CODA ou CAMT.053. Choisissez l'un "
        "de ces formats lors du téléchargement depuis votre banque en ligne."
    )


@BOTH
@pytest.mark.parametrize("kept", [0.5, 0.9, 0.99])
def test_a_truncated_file_is_refused_as_incomplete(make, kept: float) -> None:
    data = make(payments())
    refused = refusal(data[: int(len(data) * kept)])
    assert (refused.problem, refused.params["reason"]) == (Problem.INCOMPLETE, "cut_off")
    assert refused.code is ErrorCode.INVALID_INPUT
    assert refused.message("en") == (
        "This bank statement file is incomplete: it was cut off or only part of it was saved "
        "(the end of the file is missing). Download it again from your online banking; if this "
        "happens again, contact your bank."
    )


def test_a_coda_file_missing_a_line_inside_is_refused_by_its_record_count() -> None:
    lines = coda_file(payments()).split(b"\r\n")
    refused = refusal(b"\r\n".join(lines[:5] + lines[6:]))
    assert refused.problem is Problem.INCOMPLETE
    assert refused.message("fr").startswith(
        "Ce fichier d'extraits de compte est incomplet : il a été coupé ou seule une partie a "
        "été enregistrée (il annonce 17 lignes mais en contient 16)."
    )


def test_one_page_of_a_camt_statement_sent_in_several_is_incomplete() -> None:
    refused = refusal(camt053_file(payments(), last_page=False))
    assert (refused.problem, refused.params["reason"], refused.params["page"]) == (
        Problem.INCOMPLETE,
        "more_pages",
        "1",
    )


def test_a_camt_statement_missing_entries_it_announces_is_incomplete() -> None:
    refused = refusal(camt053_file(payments(), announce_entries=4))
    assert (refused.problem, refused.params["expected"], refused.params["found"]) == (
        Problem.INCOMPLETE,
        4,
        3,
    )


@BOTH
def test_a_wrong_closing_balance_is_refused(make) -> None:
    refused = refusal(make(payments(closing_cents=99_999)))
    assert refused.problem is Problem.BALANCE_MISMATCH
    number = "003" if make is coda_file else "3"
    assert refused.message("en") == (
        f"Statement no. {number} does not add up: opening balance €100.00 + movements €41.50 "
        "do not make the closing balance €999.99. Nothing was imported."
    )
    assert refused.message("fr") == (
        f"L'extrait n° {number} ne tombe pas juste : ancien solde 100,00\xa0€ + mouvements "
        "41,50\xa0€ ne donnent pas le nouveau solde 999,99\xa0€. Rien n'a été importé."
    )


@BOTH
def test_another_accounts_file_is_refused(make) -> None:
    refused = refusal(make(payments(iban=OTHER_IBAN)))
    assert refused.problem is Problem.WRONG_ACCOUNT
    assert refused.message("en") == (
        "These statements are for account BE68 5390 0754 7034, not the school's account "
        "(BE71 0961 2345 6769). Nothing was imported."
    )


@BOTH
def test_an_account_in_another_currency_is_refused(make) -> None:
    refused = refusal(make(payments(currency="USD")))
    assert (refused.problem, refused.params["currency"]) == (Problem.WRONG_CURRENCY, "USD")


def test_a_coda_version_1_file_is_refused_as_a_variant() -> None:
    data = coda_file(payments()).decode("windows-1252")
    header, rest = data.split("\r\n", 1)
    refused = refusal((header[:127] + "1\r\n" + rest).encode("windows-1252"))
    assert (refused.problem, refused.params["variant"]) == (Problem.UNSUPPORTED_VARIANT, "CODA 1")


def detail_of_a_detail() -> bytes:
    """A globalised movement whose second line is a detail (type 9) of the first (type 7)."""
    data = coda_file(statement(globalised("G", Movement(1200, "G1"), Movement(800, "G2"))))
    lines = data.decode("windows-1252").split("\r\n")
    for index, line in enumerate(lines):
        if line.startswith("21") and line[6:10] in ("0001", "0002"):
            kind = "7" if line[6:10] == "0001" else "9"
            lines[index] = line[:53] + kind + line[54:]
    return "\r\n".join(lines).encode("windows-1252")


def test_a_detail_of_a_detail_is_refused_as_a_variant() -> None:
    refused = refusal(detail_of_a_detail())
    assert (refused.problem, refused.params["variant"]) == (
        Problem.UNSUPPORTED_VARIANT,
        "CODA type 9",
    )


@pytest.mark.upstream
def test_bare_febelfin_coda_fails_on_a_detail_of_a_detail() -> None:
    """Why the reader refuses type 9: the package calls `append` on a Move, which has none."""
    lines = detail_of_a_detail().decode("windows-1252").splitlines()
    with pytest.raises(AttributeError, match="append"):
        coda.CODA(lines)


@pytest.mark.upstream
def test_bare_febelfin_coda_accepts_a_file_cut_before_its_trailer() -> None:
    """Why the reader counts records itself: without record 9 nothing is checked."""
    lines = coda_file(payments()).decode("windows-1252").splitlines()
    (parsed,) = coda.CODA(lines[:-1]).statements
    assert parsed.number_records is None


def test_the_checks_hold_with_assertions_stripped(tmp_path: Path) -> None:
    """febelfin-coda checks the totals with `assert`: under `python -O` the reader still does."""
    wrong = tmp_path / "wrong.cod"
    wrong.write_bytes(coda_file(payments(closing_cents=99_999)))
    script = (
        "import sys\n"
        "from services.banking.coda_reader import parse_coda\n"
        "from services.banking.problems import StatementRejected\n"
        "try:\n"
        f"    parse_coda(open({str(wrong)!r}, 'rb').read())\n"
        "except StatementRejected as refused:\n"
        "    print(refused.problem.value)\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.stdout.strip() == "BALANCE_MISMATCH"


def test_an_amount_in_fractions_of_a_cent_is_unreadable() -> None:
    data = coda_file(payments()).decode("windows-1252")
    # 25.00 written as 25.001 (in thousandths) on its line and in the totals it feeds.
    tampered = data.replace("0000000000025000", "0000000000025001")
    with pytest.raises(StatementRejected) as refused:
        parse_coda(tampered.encode("windows-1252"))
    assert refused.value.problem is Problem.UNREADABLE
