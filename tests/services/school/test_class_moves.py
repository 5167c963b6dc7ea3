"""Class moves from a file, at the service: parsing errors by line, staff only, one transaction."""

import pytest

from models.accounts import Role
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.school.class_moves import import_class_moves, parse
from services.sql.uow import Transactions
from tests.factories import make_family, make_school, make_user, set_class


def test_the_file_is_read_like_a_spreadsheet_export() -> None:
    rows, report = parse("\ufeffOld_Class;New_Class\r\n1A;2A\r\n\r\n 2A ; 3A \r\n".encode(), "en")
    assert report.errors == []
    assert [(r.line, r.move.old, r.move.new) for r in rows] == [(2, "1A", "2A"), (4, "2A", "3A")]
    _, bad = parse(b"old_class,new_class\n1A,2A\n1A,2B\n", "nl")
    assert bad.errors == [{"line": 3, "message": "De klas 1A staat al op regel 2."}]
    _, latin = parse("old_class,new_class\n1A,2É\n".encode("latin-1"), "en")
    assert latin.errors[0]["line"] == 1


async def test_only_staff_move_classes_and_a_dry_run_changes_nothing(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school, children=2)
    await set_class(tx, family.children[1], "2A")
    actor = Actor(staff.id, school.id or 0, Role.STAFF, "fr")
    parent = Actor(family.parent.id, school.id or 0, Role.PARENT, "fr")
    data = b"old_class,new_class\n1A,2A\n2A,3A\n"

    with pytest.raises(DomainError) as refused:
        await import_class_moves(tx, parent, data)
    assert refused.value.code.value == "FORBIDDEN"

    planned = await import_class_moves(tx, actor, data, dry_run=True)
    assert (planned.moved, planned.errors) == (2, [])
    again = await import_class_moves(tx, actor, data, dry_run=True)
    assert again.as_json() == planned.as_json()
    applied = await import_class_moves(tx, actor, data)
    assert applied.moved == 2
    # Now nobody is in 1A: the same file is refused as a whole (most likely a mistake).
    twice = await import_class_moves(tx, actor, data)
    assert [e["line"] for e in twice.errors] == [2] and twice.moved == 0
