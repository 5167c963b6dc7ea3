"""A bank statement file, from its bytes to statements checked for the school's account.

`read_statement_file` is what the upload route calls: it recognises the format, reads every
statement and entry, and refuses the whole file (`StatementRejected`) if any check fails, so
that a file is either entirely importable or changes nothing.
"""

from services.banking.camt_reader import parse_camt053
from services.banking.checks import check_statements
from services.banking.coda_reader import parse_coda
from services.banking.detect import detect_format
from services.banking.model import StatementFile, StatementFormat
from services.banking.problems import Problem, StatementRejected

READERS = {StatementFormat.CODA: parse_coda, StatementFormat.CAMT053: parse_camt053}


def parse_statement_file(data: bytes) -> StatementFile:
    found = detect_format(data)
    if found is None:
        raise StatementRejected(Problem.UNKNOWN_FORMAT)
    return StatementFile(format=found, statements=READERS[found](data))


def read_statement_file(data: bytes, school_iban: str) -> StatementFile:
    statements = parse_statement_file(data)
    check_statements(statements.statements, school_iban)
    return statements
