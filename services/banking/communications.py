"""Structured communications on bank lines: finding them in free text, and guessing the one a
parent meant when what they typed is not valid or names nothing.

A Belgian structured communication is ten digits and two check digits (base mod 97, 97 when
that is 0: `services/wallets/communication.py`). The check digits catch every single wrong
digit and every swap of two neighbours within the base, so a typed communication that fails
them is a typing error whose likely originals are few: one digit changed (check digits
included), two neighbours swapped, one digit missing (eleven typed) or one too many
(thirteen). The unmatched queue offers those of them that name a wallet or an invoice.
"""

import re

from services.wallets.communication import parse_communication

DIGITS = 12
# `+++123/4567/89002+++` and the `***...***` some banking apps write; spaces tolerated.
IN_TEXT = re.compile(r"([+*]{3})\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*\1")


def structured_in_text(text: str) -> str | None:
    """The 12 digits of the first `+++ddd/dddd/ddddd+++` in a free text, valid or not."""
    found = IN_TEXT.search(text)
    return "".join(found.group(2, 3, 4)) if found else None


def digits_of(text: str) -> str:
    return "".join(character for character in text if character.isdigit())


def is_valid(digits: str) -> bool:
    """Valid check digits and a communication of ours (kind and id not zero)."""
    return len(digits) == DIGITS and parse_communication(digits) is not None


def likely_communications(typed: str) -> list[str]:
    """The valid communications one typing error away from `typed` (any spelling: the digits
    are read out of it), as 12 digits, sorted. Empty when nothing is near."""
    digits = digits_of(typed)
    if len(digits) == DIGITS:
        candidates = _one_digit_changed(digits) | _neighbours_swapped(digits)
    elif len(digits) == DIGITS - 1:
        candidates = _one_digit_inserted(digits)
    elif len(digits) == DIGITS + 1:
        candidates = _one_digit_removed(digits)
    else:
        return []
    return sorted(candidate for candidate in candidates - {digits} if is_valid(candidate))


def _one_digit_changed(digits: str) -> set[str]:
    return {
        digits[:position] + digit + digits[position + 1 :]
        for position in range(DIGITS)
        for digit in "0123456789"
    }


def _neighbours_swapped(digits: str) -> set[str]:
    return {
        digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        for i in range(DIGITS - 1)
        if digits[i] != digits[i + 1]
    }


def _one_digit_inserted(digits: str) -> set[str]:
    return {
        digits[:position] + digit + digits[position:]
        for position in range(DIGITS)
        for digit in "0123456789"
    }


def _one_digit_removed(digits: str) -> set[str]:
    return {digits[:position] + digits[position + 1 :] for position in range(DIGITS + 1)}
