"""Small readings shared by both statement formats: amounts to cents, account numbers to IBANs."""

import re
from decimal import Decimal, InvalidOperation

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

BELGIAN_ACCOUNT = re.compile(r"\d{12}")


def to_cents(amount: Decimal | str) -> int:
    """Exact cents; ValueError for anything else (a bank never books a fraction of a cent)."""
    try:
        cents = Decimal(amount) * 100
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not cents.is_finite() or cents != cents.to_integral_value():
        raise ValueError(f"not an amount in cents: {amount!r}")
    return int(cents)


def compact_iban(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def formatted_iban(text: str) -> str:
    compact = compact_iban(text)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def counterparty_iban(account: str) -> str | None:
    """The IBAN of a counterparty's account as a statement gives it (an IBAN, maybe followed by
    its currency, or an old 12-digit Belgian account number), or None if it names none."""
    words = account.split()
    if not words:
        return None
    candidate = words[0].upper()
    if BELGIAN_ACCOUNT.fullmatch(candidate):
        return _belgian_iban(candidate)
    try:
        return str(IBAN(candidate).compact)
    except SchwiftyException:
        return None


def _belgian_iban(account: str) -> str | None:
    try:
        iban = IBAN.generate("BE", bank_code=account[:3], account_code=account[3:10])
    except SchwiftyException:
        return None
    # schwifty computes the national check digits: an account whose own are wrong is no IBAN.
    return str(iban.compact) if iban.bban == account else None
