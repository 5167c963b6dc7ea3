"""The EPC QR code ("SEPA credit transfer" code, EPC069-12) printed on invoices and orders.

A Belgian banking app that scans it opens a transfer already filled in: beneficiary, IBAN,
amount in euros and the structured communication. segno builds it (version 002, error
correction M); the text is always UTF-8 (character set 1) so any holder's name goes through
unchanged, and the remittance is structured: the communication's 12 digits, which Belgian
banks read as the OGM-VCS of the transfer.
"""

from decimal import Decimal

import segno
from segno.helpers import make_epc_qr
from stdnum.be import ogm_vcs

from services.billing.documents import SchoolDetails


def structured_reference(communication: str) -> str:
    """The 12 digits of `+++ddd/dddd/ddddd+++`, as the EPC code carries them; a wrong
    communication raises (stdnum's ValidationError, a ValueError)."""
    return str(ogm_vcs.validate(communication))


def epc_qr(school: SchoolDetails, amount_cents: int, communication: str) -> segno.QRCode:
    """The code that pays `amount_cents` (at least one cent) to the school's account."""
    if amount_cents <= 0:
        raise ValueError(f"an EPC code needs a positive amount, got {amount_cents} cents")
    return make_epc_qr(
        name=school.account_holder,
        iban=school.iban_compact,
        amount=Decimal(amount_cents).scaleb(-2),
        reference=structured_reference(communication),
        bic=school.bic_compact,
        encoding="UTF-8",
    )
