"""Structured communications on bank lines: found in free text, and the likely intended ones
offered for a communication that is not valid (one wrong, swapped, missing or extra digit)."""

import pytest

from services.banking.communications import (
    is_valid,
    likely_communications,
    structured_in_text,
)
from services.wallets.communication import communication_for, parse_communication

WALLET = communication_for(1, 123_456)  # +++100/0123/45609+++
DIGITS = "100012345609"


def test_the_wallet_communication_used_below() -> None:
    assert (WALLET, is_valid(DIGITS)) == ("+++100/0123/45609+++", True)


# Every valid communication one error away is offered: here wallet 123,455 too, one digit
# from the typed text as well. The queue keeps those that name something and ranks them
# (amount, payer's name).
@pytest.mark.parametrize(
    ("typed", "mistake", "offered"),
    [
        ("+++100/0123/45608+++", "last check digit", ["100012345508", DIGITS]),
        ("+++100/0123/45619+++", "first check digit", [DIGITS, "100012346619", "700012345619"]),
        ("+++100/0923/45609+++", "a digit of the id", [DIGITS]),
        ("+++100/0132/45609+++", "two neighbours swapped", [DIGITS]),
        ("+++100/0123/4560+++", "a digit missing", ["100001234560", DIGITS]),
        ("+++100/0123/456009+++", "a digit too many", [DIGITS]),
        ("100 0123 4560 8", "no plus signs, spaces", ["100012345508", DIGITS]),
    ],
)
def test_one_typing_error_leads_back_to_the_wallet(
    typed: str, mistake: str, offered: list[str]
) -> None:
    assert parse_communication(typed) is None, mistake
    assert likely_communications(typed) == offered, mistake


def test_several_candidates_are_all_offered_in_order() -> None:
    # One digit off a base and off a check digit at once are both one digit from this.
    assert likely_communications("100003004276") == ["100000004276", "100003004206"]


@pytest.mark.parametrize("typed", ["", "12345", "+++100/0123/45609+++", "1" * 15])
def test_nothing_is_offered_when_nothing_is_one_error_away(typed: str) -> None:
    # A valid communication included: a single error can never turn one into another.
    assert likely_communications(typed) == []


def test_only_communications_that_can_name_something_are_offered() -> None:
    # 000000000097 has valid check digits but kind and id 0: nothing of ours.
    assert not is_valid("000000000097")
    assert "000000000097" not in likely_communications("000000000098")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Repas +++100/0123/45609+++ merci", DIGITS),
        ("***100/0123/45609***", DIGITS),
        ("+++ 100 / 0123 / 45608 +++", "100012345608"),  # kept with its wrong digit
        ("+++100012345609+++", DIGITS),
        ("100/0123/45609", None),  # no markers: free text, not a structured communication
        ("+++100/0123/4560+++", None),  # eleven digits
        ("+++100/0123/45609***", None),  # markers that do not pair
    ],
)
def test_a_structured_communication_is_found_in_free_text(text: str, found: str | None) -> None:
    assert structured_in_text(text) == found
