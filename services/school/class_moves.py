"""Class moves from a file: the year change as a CSV `old_class,new_class` (one row a class).

Read like the roster (UTF-8 with or without BOM, `;` or `,`, a header row); every error is
listed with its line and a file with one applies nothing; the moves are applied at once by
year.move_classes in one transaction, and a dry run is rolled back after counting them.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from i18n.catalogue import translate
from models.family import Child
from services.accounts.actor import Actor
from services.family.children import require_staff
from services.school.year import ClassMove, move_classes
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork

COLUMNS = ("old_class", "new_class")
MAX_CLASS = 50


@dataclass
class ClassMovesReport:
    moved: int = 0
    classes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append({"line": line, "message": message})

    def as_json(self) -> dict[str, Any]:
        return {"moved": self.moved, "classes": self.classes, "errors": self.errors}


@dataclass(frozen=True)
class _Row:
    line: int
    move: ClassMove


class _DryRun(Exception):
    def __init__(self, report: ClassMovesReport) -> None:
        self.report = report


def parse(data: bytes, locale: str) -> tuple[list[_Row], ClassMovesReport]:
    """The file's moves and every error in it, each with its line (1 = the header)."""
    report = ClassMovesReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error(1, translate("roster.error.encoding", locale))
        return [], report
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        report.error(1, translate("roster.error.columns", locale, columns=", ".join(missing)))
        return [], report
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        record = {n: (values[i].strip() if i < len(values) else "") for i, n in enumerate(header)}
        before = len(report.errors)
        for name in COLUMNS:
            if not record[name]:
                report.error(line, translate("roster.error.required", locale, column=name))
            elif len(record[name]) > MAX_CLASS:
                report.error(line, translate("roster.error.too_long", locale, column=name))
        if len(report.errors) > before:
            continue
        old = record["old_class"]
        if old in seen:
            report.error(
                line, translate("class_moves.error.duplicate", locale, name=old, other=seen[old])
            )
            continue
        seen[old] = line
        rows.append(_Row(line, ClassMove(old, record["new_class"])))
    return rows, report


async def import_class_moves(
    tx: Transactions, actor: Actor, data: bytes, *, dry_run: bool = False
) -> ClassMovesReport:
    """Apply the file's moves in one transaction (or only count them); errors apply nothing."""
    require_staff(actor)
    rows, report = parse(data, actor.locale)
    if report.errors:
        return report

    async def work(uow: UnitOfWork) -> ClassMovesReport:
        planned = await _apply(uow, actor, rows)
        if dry_run or planned.errors:
            raise _DryRun(planned)
        return planned

    # Written to the audit trail like the moveClasses mutation (a dry run leaves no entry).
    who = AuditContext(
        "moveClassesFile",
        str(actor.role),
        user_id=actor.user_id,
        school_id=actor.school_id,
        arguments={"moves": [[row.move.old, row.move.new] for row in rows]},
    )
    try:
        return await tx.run(work, who)
    except _DryRun as rolled_back:
        return rolled_back.report


async def _apply(uow: UnitOfWork, actor: Actor, rows: list[_Row]) -> ClassMovesReport:
    report = ClassMovesReport()
    counts = dict(
        (
            await uow.session.execute(
                select(col(Child.class_name), func.count())
                .where(
                    col(Child.school_id) == actor.school_id,
                    col(Child.left_at).is_(None),
                    col(Child.class_name).in_([row.move.old for row in rows]),
                )
                .group_by(col(Child.class_name))
            )
        ).all()
    )
    for row in rows:
        # A class nobody is in is most likely a typo: better refused than silently ignored.
        if row.move.old not in counts:
            report.error(
                row.line,
                translate("class_moves.error.unknown", actor.locale, name=row.move.old),
            )
        report.classes.append(
            {"from": row.move.old, "to": row.move.new, "children": int(counts.get(row.move.old, 0))}
        )
    if not report.errors:
        report.moved = await move_classes(uow, actor, [row.move for row in rows])
    return report
