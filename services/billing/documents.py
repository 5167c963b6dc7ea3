"""What the billing PDFs print: plain frozen values, read from the database by the caller.

Validated on construction (a malformed IBAN or communication is a bug upstream, never a
parent's mistake: ValueError). Money is integer cents; a total is always the sum of the
lines, never a second figure that could disagree with them.
"""

from dataclasses import dataclass
from datetime import date

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError

from services.billing.pdf_texts import LOCALES, Locale


@dataclass(frozen=True)
class SchoolDetails:
    """The payee: who bills, where to write to, and the account that receives transfers."""

    name: str
    address: tuple[str, ...]  # postal address, one printed line each
    account_holder: str
    iban: str
    bic: str

    def __post_init__(self) -> None:
        try:
            IBAN(self.iban)
            BIC(self.bic)
        except SchwiftyException as error:
            raise ValueError(f"bad bank account for {self.name!r}: {error}") from error
        if not self.account_holder.strip():
            raise ValueError("an account holder's name is required")

    @property
    def iban_compact(self) -> str:
        return str(IBAN(self.iban).compact)

    @property
    def iban_display(self) -> str:
        """Grouped by four, as printed on cards and statements: BE68 5390 0754 7034."""
        return str(IBAN(self.iban).formatted)

    @property
    def bic_compact(self) -> str:
        return str(BIC(self.bic).compact)


@dataclass(frozen=True)
class ChildDetails:
    name: str
    class_name: str


@dataclass(frozen=True)
class BillLine:
    """One line of an invoice or of a photo order (an article)."""

    label: str
    quantity: int
    unit_price_cents: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


def _payable(lines: tuple[BillLine, ...], communication: str, locale: str) -> None:
    if not lines:
        raise ValueError("a bill needs at least one line")
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    try:
        ogm_vcs.validate(communication)
    except ValidationError as error:
        raise ValueError(f"bad structured communication {communication!r}") from error


@dataclass(frozen=True)
class InvoiceDocument:
    """A payment request as issued: printed once, at issue, in the guardian's language."""

    locale: Locale
    school: SchoolDetails
    child: ChildDetails
    number: str
    title: str
    issued_on: date
    due_on: date
    lines: tuple[BillLine, ...]
    amount_due_cents: int  # at issue; what the QR code asks for
    communication: str  # +++ddd/dddd/ddddd+++

    def __post_init__(self) -> None:
        _payable(self.lines, self.communication, self.locale)
        if not 0 <= self.amount_due_cents <= self.total_cents:
            raise ValueError(
                f"amount due {self.amount_due_cents} outside 0..{self.total_cents} (the total)"
            )

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class PhotoOrderDocument:
    """The summary of one photo order; it is paid through its invoice (number, communication)."""

    locale: Locale
    school: SchoolDetails
    child: ChildDetails
    campaign_title: str
    invoice_number: str
    ordered_on: date
    due_on: date
    articles: tuple[BillLine, ...]
    communication: str

    def __post_init__(self) -> None:
        _payable(self.articles, self.communication, self.locale)
        if self.total_cents <= 0:
            raise ValueError("a photo order's total must be positive")

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.articles)
