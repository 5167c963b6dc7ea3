"""The roster import: the administration software's CSV export, keyed by student id.

Everything is read once (the school's children, parents and guardianships), the plan is
computed in memory and written in the same transaction: a file with an error changes nothing,
a dry run is rolled back, and the same file twice finds nothing to do.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from i18n.catalogue import translate
from models.accounts import Role, TokenPurpose, User
from models.family import Child, Guardianship
from services.accounts.actor import Actor
from services.accounts.users import _issue_token, _mail_token, normalise_email
from services.common.errors import DomainError
from services.family.children import get_school, require_staff
from services.school.leaving import came_back, mark_left
from services.sql.uow import Transactions, UnitOfWork
from services.wallets.settings import create_wallets

COLUMNS = (
    "student_id",
    "first_name",
    "last_name",
    "class",
    "guardian1_name",
    "guardian1_email",
    "guardian2_name",
    "guardian2_email",
)
GUARDIAN_SLOTS = ("guardian1", "guardian2")
LOCALES = ("fr", "nl", "en")


@dataclass(frozen=True, slots=True)
class GuardianRow:
    name: str
    email: str
    locale: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    student_id: str
    first_name: str
    last_name: str
    class_name: str | None
    guardians: tuple[GuardianRow, ...]


@dataclass
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    guardians_created: int = 0
    guardians_linked: int = 0
    invitations: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "children": {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "left": self.left,
            },
            "guardians": {"created": self.guardians_created, "linked": self.guardians_linked},
            "invitations": self.invitations,
            "errors": self.errors,
        }


class _DryRun(Exception):
    """Rolls the transaction back once the plan is known."""

    def __init__(self, report: RosterReport) -> None:
        self.report = report


def _error(report: RosterReport, line: int, message: str) -> None:
    report.errors.append({"line": line, "message": message})


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse(data: bytes, locale: str) -> tuple[list[RosterRow], RosterReport]:
    """The file's rows and every error found in it, each with its line number (1 = header)."""
    report = RosterReport()
    text = _decode(data)
    if text is None:
        _error(report, 1, translate("roster.error.encoding", locale))
        return [], report
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        _error(report, 1, translate("roster.error.columns", locale, columns=", ".join(missing)))
        return [], report
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        record = {
            name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)
        }
        row = _row(record, line, locale, report)
        if row is None:
            continue
        if row.student_id in seen:
            _error(
                report,
                line,
                translate(
                    "roster.error.duplicate",
                    locale,
                    student_id=row.student_id,
                    other=seen[row.student_id],
                ),
            )
            continue
        seen[row.student_id] = line
        rows.append(row)
    return rows, report


def _row(record: dict[str, str], line: int, locale: str, report: RosterReport) -> RosterRow | None:
    before = len(report.errors)
    for name in ("student_id", "first_name", "last_name"):
        if not record.get(name):
            _error(report, line, translate("roster.error.required", locale, column=name))
    if len(record.get("student_id", "")) > 50:
        _error(report, line, translate("roster.error.too_long", locale, column="student_id"))
    guardians: list[GuardianRow] = []
    for slot in GUARDIAN_SLOTS:
        name_column, email_column = slot + "_name", slot + "_email"
        name, email = record.get(name_column, ""), record.get(email_column, "")
        if not email:
            continue
        try:
            address = normalise_email(email)
        except DomainError:
            _error(
                report,
                line,
                translate("roster.error.email", locale, column=email_column, value=email),
            )
            continue
        if not name:
            _error(report, line, translate("roster.error.required", locale, column=name_column))
        chosen = (record.get(f"{slot}_locale") or record.get("locale") or "fr").lower()
        if chosen not in LOCALES:
            _error(report, line, translate("roster.error.locale", locale, value=chosen))
        guardians.append(GuardianRow(name, address, chosen))
    if len(report.errors) > before:
        return None
    return RosterRow(
        line,
        record["student_id"],
        record["first_name"],
        record["last_name"],
        record.get("class") or None,
        tuple(guardians),
    )


async def import_roster(
    tx: Transactions, actor: Actor, data: bytes, *, dry_run: bool = False, full: bool = False
) -> RosterReport:
    """Apply the file in one transaction (or only plan it); errors apply nothing."""
    require_staff(actor)
    rows, report = parse(data, actor.locale)
    if report.errors:
        return report

    async def work(uow: UnitOfWork) -> RosterReport:
        planned = await _apply(uow, actor, rows, full)
        if dry_run:
            raise _DryRun(planned)
        return planned

    try:
        return await tx.run(work)
    except _DryRun as rolled_back:
        return rolled_back.report


async def _apply(uow: UnitOfWork, actor: Actor, rows: list[RosterRow], full: bool) -> RosterReport:
    report = RosterReport()
    session, school_id = uow.session, actor.school_id
    children = (await session.scalars(select(Child).where(col(Child.school_id) == school_id))).all()
    by_student = {c.external_id: c for c in children if c.external_id is not None}
    parents = (
        await session.scalars(
            select(User).where(col(User.school_id) == school_id, col(User.role) == Role.PARENT)
        )
    ).all()
    by_email = {p.email: p for p in parents}
    usernames = {
        name
        for name in (
            await session.scalars(
                select(col(User.username)).where(col(User.school_id) == school_id)
            )
        ).all()
    }
    links = {
        (int(p), int(c))
        for p, c in (
            await session.execute(
                select(col(Guardianship.parent_id), col(Guardianship.child_id)).where(
                    col(Guardianship.school_id) == school_id
                )
            )
        ).all()
    }
    new_children: list[tuple[Child, RosterRow]] = []
    returning: list[Child] = []
    for row in rows:
        child = by_student.get(row.student_id)
        if child is None:
            child = Child(
                school_id=school_id,
                external_id=row.student_id,
                first_name=row.first_name,
                last_name=row.last_name,
                class_name=row.class_name,
                created_at=uow.now,
            )
            session.add(child)
            new_children.append((child, row))
            report.created += 1
            continue
        wanted = (row.first_name, row.last_name, row.class_name, None)
        if (child.first_name, child.last_name, child.class_name, child.left_at) == wanted:
            report.unchanged += 1
        else:
            child.first_name, child.last_name, child.class_name = wanted[:3]
            if child.left_at is not None:
                returning.append(child)
            report.updated += 1
    await came_back(uow, returning)
    await session.flush()
    new_ids = [c.id for c, _ in new_children if c.id is not None]
    if new_ids:
        await create_wallets(uow, school_id, new_ids)
    invited: list[User] = []
    for row in rows:
        for guardian in row.guardians:
            if guardian.email not in by_email:
                user = _new_parent(uow, school_id, guardian, usernames)
                session.add(user)
                by_email[guardian.email] = user
                invited.append(user)
    await session.flush()  # the new accounts' ids, in one go
    report.guardians_created = len(invited)
    new_ids_by_row = {id(r): c for c, r in new_children}
    created = {user.id for user in invited}
    for row in rows:
        child = by_student.get(row.student_id) or new_ids_by_row[id(row)]
        for guardian in row.guardians:
            user = by_email[guardian.email]
            assert user.id is not None and child.id is not None
            if (user.id, child.id) in links:
                continue
            links.add((user.id, child.id))
            session.add(Guardianship(school_id=school_id, parent_id=user.id, child_id=child.id))
            if user.id not in created:
                report.guardians_linked += 1
    if full:
        listed = {row.student_id for row in rows}
        leaving = [c for c in children if c.left_at is None and c.external_id not in listed]
        await mark_left(uow, await get_school(session, school_id), leaving)
        report.left = len(leaving)
    await session.flush()
    for user in invited:
        raw = await _issue_token(uow, user, TokenPurpose.ACTIVATION)
        await _mail_token(uow, user, "invitation", raw)
        report.invitations += 1
    return report


def _new_parent(uow: UnitOfWork, school_id: int, guardian: GuardianRow, taken: set[str]) -> User:
    """A parent account named after its e-mail address (a number added when it is taken)."""
    base = guardian.email[:90]
    name, serial = base, 1
    while name in taken:
        serial += 1
        name = f"{base}.{serial}"
    taken.add(name)
    return User(
        school_id=school_id,
        role=Role.PARENT,
        username=name,
        email=guardian.email,
        display_name=guardian.name,
        locale=guardian.locale,
        created_at=uow.now,
    )
