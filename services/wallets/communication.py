"""Belgian structured communications (`+++ddd/dddd/ddddd+++`, OGM-VCS) that name what is paid.

The ten-digit base is a one-digit kind followed by the object's id on nine digits, so a
communication is derived from an immutable id: stable for the object's life, unique in the
whole database (hence in every school), and a bank line maps back to its object without a
lookup table. Check digits: base mod 97, and 97 when that is 0 (python-stdnum `be.ogm_vcs`).
Kinds: 1 wallet; 2 and up are free for invoices, photo orders...
"""

import functools

from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError

WALLET = 1
MAX_ID = 999_999_999


# Every wallet shown (the dashboard's lists show each operation's and sale's) has its own;
# formatting one costs more than the rest of building the wallet.
@functools.lru_cache(maxsize=4096)
def communication_for(kind: int, object_id: int) -> str:
    if not 1 <= kind <= 9 or not 0 < object_id <= MAX_ID:
        raise ValueError(f"no structured communication for kind {kind}, id {object_id}")
    base = f"{kind}{object_id:09d}"
    return f"+++{ogm_vcs.format(base + ogm_vcs.calc_check_digits(base))}+++"


def parse_communication(text: str) -> tuple[int, int] | None:
    """(kind, id) of a valid communication in any usual spelling, or None."""
    try:
        digits = ogm_vcs.validate(text)
    except ValidationError:
        return None
    kind, object_id = int(digits[0]), int(digits[1:10])
    return (kind, object_id) if kind and object_id else None


def compact(text: str) -> str:
    """The twelve digits (for storing what a bank line said)."""
    return str(ogm_vcs.compact(text))
