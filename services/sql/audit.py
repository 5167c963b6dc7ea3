"""Writing the audit trail from a unit of work: who acted, from where, with which arguments,
and each row they changed as it was before and after. Written before the commit of the action
itself, so an action and its entry exist together or not at all."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession

from models.audit import AuditEntry
from models.channels import ChannelSequence
from models.mail import OutboxMail

PARENT = "PARENT"
# Bookkeeping rows that say nothing about the action (sequence numbers, the entry itself); the
# mails an action queues are in the outbox already.
NOT_RECORDED = (AuditEntry, ChannelSequence, OutboxMail)
SECRET_WORDS = ("password", "token", "secret", "code", "key", "ticket")
# Personal text is never copied into the append-only trail, so that erasing a family (GDPR)
# leaves nothing readable there: entries keep ids, amounts and dates.
PERSONAL_WORDS = (
    "firstname",
    "lastname",
    "displayname",
    "email",
    "username",
    "toaddress",
    "counterpartyname",
    "label",
    "memo",
)


@dataclass(frozen=True)
class AuditContext:
    """Who runs a unit of work. Given for every GraphQL mutation; a parent's own actions are
    not recorded, only the money moved on their children's wallets by someone else."""

    action: str
    role: str
    user_id: int | None = None
    device_id: int | None = None
    school_id: int | None = None
    address: str | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)

    @property
    def records_actions(self) -> bool:
        return self.role != PARENT


class ChangeLog:
    """Collects the ORM rows a unit of work writes (the flushes' own view of them)."""

    def __init__(self, session: OrmSession) -> None:
        self.session = session
        self.changes: list[dict[str, Any]] = []
        event.listen(session, "after_flush", self._after_flush)

    def close(self) -> None:
        event.remove(self.session, "after_flush", self._after_flush)

    def _after_flush(self, session: OrmSession, _context: Any) -> None:
        for kind, rows in (
            ("created", session.new),
            ("changed", session.dirty),
            ("deleted", session.deleted),
        ):
            for row in rows:
                if isinstance(row, NOT_RECORDED) or not hasattr(row, "__table__"):
                    continue
                change = _change_of(row, kind)
                if change is not None:
                    self.changes.append(change)

    def child_id(self) -> int | None:
        for change in self.changes:
            values = change.get("after") or change.get("before") or {}
            if isinstance(values.get("child_id"), int):
                return int(values["child_id"])
        return None


def _change_of(row: Any, kind: str) -> dict[str, Any] | None:
    state = inspect(row)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        name = attribute.key
        history = state.attrs[name].history
        if kind == "created":
            after[name] = _plain(name, getattr(row, name, None))
        elif kind == "deleted":
            before[name] = _plain(name, getattr(row, name, None))
        elif history.has_changes():
            before[name] = _plain(name, history.deleted[0] if history.deleted else None)
            after[name] = _plain(name, history.added[0] if history.added else None)
    if kind == "changed" and not after:
        return None
    identity = state.identity
    return {
        "table": row.__table__.name,
        "id": identity[0] if identity and len(identity) == 1 else identity,
        "kind": kind,
        "before": before or None,
        "after": after or None,
    }


def _plain(name: str, value: Any) -> Any:
    """JSON-ready; secrets (hashes, tokens) are never copied into the trail."""
    if any(word in name.lower() for word in SECRET_WORDS):
        return None if value is None else "***"
    if value is not None and any(w in name.lower().replace("_", "") for w in PERSONAL_WORDS):
        return "[personal]"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain("", item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(str(k), v) for k, v in value.items()}
    return str(value)


def plain_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {str(name): _plain(str(name), value) for name, value in arguments.items()}


def audit_entry(
    context: AuditContext | None,
    *,
    now: datetime,
    action: str | None = None,
    school_id: int | None = None,
    child_id: int | None = None,
    details: Mapping[str, Any],
) -> AuditEntry:
    return AuditEntry(
        school_id=school_id if school_id is not None else (context.school_id if context else None),
        at=now,
        user_id=context.user_id if context else None,
        role=context.role if context else "SYSTEM",
        device_id=context.device_id if context else None,
        address=context.address if context else None,
        action=(action or (context.action if context else "system"))[:100],
        child_id=child_id,
        details=dict(details),
    )
