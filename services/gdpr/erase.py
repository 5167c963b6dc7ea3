"""Erasing a family that left: personal data removed or pseudonymised, money records kept
(accounting law) without names, sessions ended at once. Audit entries are append-only and are
not touched: their writer never stores personal text (services/sql/audit.py, PERSONAL_WORDS)."""

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, String, Table, Text, delete, or_, select, update
from sqlmodel import SQLModel, col

from models.accounts import LoginAttempt, OneTimeToken, Role, Session, User
from models.audit import AuditEntry
from models.documents import Document, DocumentRead, DocumentRecipient
from models.family import Child
from models.gdpr import DataExport
from models.mail import OutboxMail
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.gdpr.deferred import files_of_user
from services.gdpr.walk import Family, load_family
from services.sql.uow import UnitOfWork

ERASED = "[erased]"


@dataclass(frozen=True)
class Erasure:
    parent_id: int
    child_ids: list[int]
    # Files to delete from storage once the transaction has committed.
    storage_keys: list[str]
    # Data export files (the exports' storage), likewise.
    export_keys: list[str] = field(default_factory=list)


async def parent_of_school(uow: UnitOfWork, actor: Actor, parent_id: int) -> User:
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN)
    parent = await uow.session.get(User, parent_id)
    if parent is None or parent.school_id != actor.school_id or parent.role != Role.PARENT:
        raise NotFound("parentId")
    return parent


def _terms(family: Family) -> list[str]:
    """Every text that names the family, longest first so full names go before parts."""
    parent = family.parent
    words = {parent.username, parent.email, parent.display_name, *parent.display_name.split()}
    for child in family.children:
        words |= {f"{child.first_name} {child.last_name}", child.first_name, child.last_name}
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


def _scrub(value: Any, terms: list[str]) -> Any:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    for term in terms:
        text = text.replace(term, ERASED)
    return text if isinstance(value, str) else json.loads(text)


async def _scrub_everywhere(uow: UnitOfWork, terms: list[str]) -> None:
    """Every text and JSON column of every table (the audit trail excepted, see above):
    labels and memos of kept money records lose the names they quote."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name == AuditEntry.__tablename__:
            continue
        for column in table.columns:
            if column.primary_key or not isinstance(column.type, String | Text | JSON):
                continue
            await _scrub_column(uow, table, column.name, terms)


async def _scrub_column(uow: UnitOfWork, table: Table, name: str, terms: list[str]) -> None:
    column = table.c[name]
    query = select(*table.primary_key, column)
    if not isinstance(column.type, JSON):
        query = query.where(or_(*(column.contains(t) for t in terms)))
    # JSON is stored with escaped accents ("L\\u00e9a"): compare the parsed values instead.
    rows = await uow.session.execute(query)
    for row in rows.all():
        *keys, value = row
        if value is None or _scrub(value, terms) == value:
            continue
        where = [pk == key for pk, key in zip(table.primary_key, keys, strict=True)]
        await uow.session.execute(update(table).where(*where).values({name: _scrub(value, terms)}))


async def _delete_referring(uow: UnitOfWork, target: str, ids: list[Any]) -> None:
    """Rows of any table pointing at the deleted ones: a row that cannot be without them goes
    (recipients, reads, photo proofs...); one that can forgets them (an invoice kept for the
    accounts loses its PDF, which names the family)."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == target for key in column.foreign_keys):
                if column.nullable:
                    await uow.session.execute(
                        update(table).where(column.in_(ids)).values({column.name: None})
                    )
                else:
                    await uow.session.execute(delete(table).where(column.in_(ids)))


async def erase_family(uow: UnitOfWork, actor: Actor, parent_id: int) -> Erasure:
    parent = await parent_of_school(uow, actor, parent_id)
    session = uow.session
    family = await load_family(session, parent)
    terms = _terms(family)
    child_ids = family.ids("children")
    pid = int(parent.id or 0)

    # Documents made for these children only go, with their files; class documents stay.
    own = list(
        (await session.scalars(select(Document).where(col(Document.child_id).in_(child_ids)))).all()
    )
    doc_ids = [d.id for d in own]
    await session.execute(delete(DocumentRead).where(col(DocumentRead.user_id) == pid))
    await session.execute(
        delete(DocumentRecipient).where(col(DocumentRecipient.child_id).in_(child_ids))
    )
    await _delete_referring(uow, "documents", doc_ids)
    await session.execute(delete(Document).where(col(Document.id).in_(doc_ids)))

    export_keys = await files_of_user(session, pid)
    await session.execute(delete(DataExport).where(col(DataExport.user_id) == pid))
    await session.execute(delete(OutboxMail).where(col(OutboxMail.to_address) == parent.email))
    await session.execute(
        update(Session)
        .where(col(Session.user_id) == pid)
        .values(revoked_at=uow.now, address=None, user_agent=None)
    )
    await session.execute(
        update(OneTimeToken).where(col(OneTimeToken.user_id) == pid).values(revoked_at=uow.now)
    )
    await session.execute(
        update(LoginAttempt)
        .where(col(LoginAttempt.username) == parent.username)
        .values(username=f"erased-{pid}", address="")
    )
    await _scrub_everywhere(uow, terms)
    await session.execute(
        update(User)
        .where(col(User.id) == pid)
        .values(
            username=f"erased-{pid}",
            email=f"erased-{pid}@erased.invalid",
            display_name=ERASED,
            password_hash=None,
        )
    )
    await session.execute(
        update(Child)
        .where(col(Child.id).in_(child_ids))
        .values(first_name=ERASED, last_name=ERASED)
    )
    return Erasure(pid, child_ids, [d.storage_key for d in own], export_keys)
