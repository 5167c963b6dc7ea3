"""What must hold before any line of a statement file is credited, one check per rule.

The file must be whole and readable (checked while reading it), and then each statement: of
the school's account, in euros, and adding up (opening balance + movements = closing balance).
"""

from services.banking.fields import compact_iban, formatted_iban
from services.banking.model import Statement
from services.banking.problems import Problem, StatementRejected

CURRENCY = "EUR"


def check_statements(statements: tuple[Statement, ...], school_iban: str) -> None:
    school = compact_iban(school_iban)
    for statement in statements:
        if statement.account_iban != school:
            raise StatementRejected(
                Problem.WRONG_ACCOUNT,
                account=formatted_iban(statement.account_iban),
                school_account=formatted_iban(school),
            )
    for statement in statements:
        if statement.currency != CURRENCY:
            raise StatementRejected(Problem.WRONG_CURRENCY, currency=statement.currency or "?")
        if statement.opening_balance_cents + statement.movements_cents != (
            statement.closing_balance_cents
        ):
            raise StatementRejected(
                Problem.BALANCE_MISMATCH,
                statement=statement.number,
                opening_cents=statement.opening_balance_cents,
                movements_cents=statement.movements_cents,
                closing_cents=statement.closing_balance_cents,
            )
