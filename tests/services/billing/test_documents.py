"""What the renderers accept: a bad bank account, communication or amount is refused at once,
before anything is drawn."""

from dataclasses import replace

import pytest

from services.billing.documents import BillLine, SchoolDetails
from tests.services.billing.samples import SCHOOL, invoice, photo_order


def test_totals_are_the_sum_of_the_lines() -> None:
    assert invoice("fr").total_cents == 120_00 + 4 * 6_25 + 12_50
    assert photo_order("fr").total_cents == 2 * 8_00 + 15_50


def test_the_iban_is_printed_in_groups_and_sent_compact() -> None:
    school = replace(SCHOOL, iban="be68539007547034", bic="gkccbebb")
    assert school.iban_display == "BE68 5390 0754 7034"
    assert school.iban_compact == "BE68539007547034"
    assert school.bic_compact == "GKCCBEBB"


@pytest.mark.parametrize(
    "changes",
    [
        {"iban": "BE68 5390 0754 7035"},  # check digits wrong
        {"bic": "GKCC"},
        {"account_holder": " "},
    ],
)
def test_a_bad_bank_account_is_refused(changes: dict[str, str]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (any of them)
        SchoolDetails(**{**SCHOOL.__dict__, **changes})


def test_a_bad_communication_is_refused() -> None:
    with pytest.raises(ValueError, match="structured communication"):
        invoice("fr", communication="+++010/8068/17184+++")


def test_an_amount_due_above_the_total_or_below_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="amount due"):
        invoice("fr", amount_due_cents=157_51)
    with pytest.raises(ValueError, match="amount due"):
        invoice("fr", amount_due_cents=-1)


def test_a_bill_needs_lines_with_positive_quantities() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        invoice("fr", lines=())
    with pytest.raises(ValueError, match="quantity"):
        BillLine("Repas", 0, 4_50)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="locale"):
        photo_order("de")  # type: ignore[arg-type]
