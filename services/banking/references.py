"""The bank reference of each entry: the key that credits a transfer once, whatever file says it.

The rule, the same for both formats:
- A movement's reference is the bank's own transaction reference: CODA record 2.1 positions
  11-31, CAMT.053 `Ntry/AcctSvcrRef` (then `NtryRef`, then the single `TxDtls/Refs/AcctSvcrRef`).
  Both carry the reference the bank gave the booking, so a CAMT.053 covering days already
  imported from CODA names the entries seen before the same way, and only new ones count.
- One line of a globalised movement (CODA types 1/2 with their detail records, CAMT one `Ntry`
  with several `TxDtls`) keeps its own reference when the bank gave it one that differs from
  the movement's (CODA detail 2.1, `TxDtls/Refs/AcctSvcrRef`); otherwise it is the movement's
  reference followed by `/n`, n counting the lines from 1 in the order of the file.
- A reference the bank left blank becomes `<statement identifier>/<position>`: stable when
  the same file comes again, but then not shared with the other format.
- A reference met again within one file (banks reuse them: the febelfin-coda sample books two
  movements under one reference) gets `#2`, `#3`... in file order, so no entry hides another.

What the importer can rely on: the same file, or the same bank file in the other format with
the bank's references, gives the same references. Where a bank's CODA and CAMT references
differ, `Entry.fingerprint` (booking date, amount, structured communication) lets it hold a
new reference that looks like an entry credited before for a person to decide.
"""

from collections import Counter
from dataclasses import replace

from services.banking.model import Entry

MAX_REFERENCE = 100  # as stored by the bank transfers table


def detail_reference(movement_reference: str, own_reference: str, position: int) -> str:
    own = own_reference.strip()
    if own and own != movement_reference:
        return own
    return f"{movement_reference}/{position}"


def fallback_reference(reference: str, statement_identifier: str, position: int) -> str:
    return reference.strip() or f"{statement_identifier}/{position}"


def unique_references(entries: list[Entry]) -> list[Entry]:
    seen: Counter[str] = Counter()
    unique = []
    for entry in entries:
        seen[entry.bank_reference] += 1
        count = seen[entry.bank_reference]
        unique.append(
            entry
            if count == 1
            else replace(entry, bank_reference=f"{entry.bank_reference}#{count}")
        )
    return unique
