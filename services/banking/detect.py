"""Which statement format a file is, from its first bytes (never its name or declared type).

CODA: the first record is a header, `0` then `0000`, a creation date (DDMMYY) and a bank
code. CAMT.053: XML whose root declares a `camt.053.001.NN` namespace near the top (other
camt messages, such as the intraday camt.052 or the notices of camt.054, are not statements).
"""

import re

from services.banking.model import StatementFormat

BOM = b"\xef\xbb\xbf"
CODA_HEADER = re.compile(rb"00000\d{9}")
CAMT053_NAMESPACE = re.compile(
    rb"""xmlns(?::[\w.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d+["']"""
)
HEAD = 4096  # the root element and its namespaces come first


def detect_format(data: bytes) -> StatementFormat | None:
    head = data[:HEAD].removeprefix(BOM)
    if CODA_HEADER.match(head):
        return StatementFormat.CODA
    if head.lstrip().startswith(b"<") and CAMT053_NAMESPACE.search(head):
        return StatementFormat.CAMT053
    return None
