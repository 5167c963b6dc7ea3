"""The hand-written dashboard's SQL (bench/dashboard_baseline.py): one statement per list, typed
parameters and result columns, executed on one connection."""

from typing import Any

from sqlalchemy import Boolean, Date, bindparam, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import TypeEngine

from models.columns import UTCDateTime

LIMIT = 5
UTC = UTCDateTime()


def sql(
    statement: str,
    *expanding: str,
    params: dict[str, TypeEngine[Any]] | None = None,
    **columns: TypeEngine[Any],
) -> TextualSelect:
    """A statement with typed parameters and result columns (timestamps through the app's UTC
    column type, as on SQLite they are naive text)."""
    clause = text(statement).bindparams(
        *(bindparam(name, expanding=True) for name in expanding),
        *(bindparam(name, type_=kind) for name, kind in (params or {}).items()),
    )
    return clause.columns(**columns)


SESSION = sql(
    "SELECT s.last_seen_at AS last_seen, s.expires_at AS expires, s.revoked_at IS NOT NULL AS"
    " revoked, u.id AS user_id, u.role FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = :digest",
    last_seen=UTC,
    expires=UTC,
    revoked=Boolean(),
)
CHILD = sql(
    "SELECT c.id, c.first_name, c.class_name, c.school_id, sc.timezone, sc.feature_meals,"
    " sc.feature_meetings, sc.feature_photos FROM children c"
    " JOIN guardianships g ON g.child_id = c.id AND g.parent_id = :user"
    " JOIN schools sc ON sc.id = c.school_id WHERE c.id = :child"
)
WALLETS = sql("SELECT id, name, balance_cents FROM wallets WHERE child_id = :child ORDER BY slot")
EVENTS = sql(
    "SELECT id, title, starts_at, ends_at, kind, class_name FROM school_events"
    " WHERE school_id = :school AND (class_name IS NULL OR class_name = :class)"
    " AND (starts_at >= :now OR ends_at >= :now) ORDER BY starts_at, id LIMIT :n",
    params={"now": UTC},
    starts_at=UTC,
    ends_at=UTC,
)
MEETINGS = sql(
    "SELECT m.id, m.title, m.starts_at, m.ends_at, m.booking_opens_at, m.booking_closes_at"
    " FROM meetings m WHERE m.school_id = :school AND m.ends_at > :now"
    " AND (NOT EXISTS (SELECT 1 FROM meeting_classes k WHERE k.meeting_id = m.id)"
    " OR EXISTS (SELECT 1 FROM meeting_classes k WHERE k.meeting_id = m.id"
    " AND k.class_name = :class)) ORDER BY m.starts_at, m.id LIMIT :n",
    params={"now": UTC},
    starts_at=UTC,
    ends_at=UTC,
    booking_opens_at=UTC,
    booking_closes_at=UTC,
)
MEALS = sql(
    "SELECT r.id, a.name FROM meal_reservations r JOIN meal_articles a ON a.id = r.article_id"
    " WHERE r.child_id = :child AND r.status = 'ACTIVE' AND r.day = :day ORDER BY r.day, r.id",
    params={"day": Date()},
)
TEACHERS = sql(
    "SELECT id, meeting_id, display_name, subject FROM meeting_teachers"
    " WHERE meeting_id IN :ids ORDER BY display_name, id",
    "ids",
)
SLOTS = sql(
    "SELECT s.id, s.meeting_id, t.display_name, s.starts_at, s.ends_at,"
    " NOT s.blocked AND a.id IS NULL AS available FROM meeting_slots s"
    " JOIN meeting_teachers t ON t.id = s.teacher_id"
    " LEFT JOIN appointments a ON a.slot_id = s.id AND a.status = 'ACTIVE'"
    " WHERE s.meeting_id IN :ids ORDER BY t.display_name, t.id, s.starts_at",
    "ids",
    starts_at=UTC,
    ends_at=UTC,
    available=Boolean(),
)
DOCUMENTS = sql(
    "SELECT d.id, d.title, d.date, d.kind FROM document_recipients r"
    " JOIN documents d ON d.id = r.document_id WHERE r.child_id = :child AND NOT EXISTS"
    " (SELECT 1 FROM document_reads x WHERE x.document_id = d.id AND x.user_id = :user)"
    " ORDER BY r.date DESC, r.document_id DESC LIMIT :n",
    date=Date(),
)
OPERATIONS = sql(
    "SELECT p.id, p.at, p.operation_type, p.method, p.amount_cents, p.balance_after_cents,"
    " p.label, w.id AS wallet_id, w.name AS wallet_name FROM ledger_postings p"
    " JOIN wallets w ON w.id = p.wallet_id WHERE p.child_id = :child"
    " ORDER BY p.at DESC, p.id DESC LIMIT :n",
    at=UTC,
)
SALES = sql(
    "SELECT s.id, s.at, s.article, s.quantity, s.amount_cents, d.id AS device_id,"
    " d.name AS device_name, d.kind AS device_kind, w.id AS wallet_id, w.name AS wallet_name"
    " FROM sales s JOIN wallets w ON w.id = s.wallet_id JOIN pos_devices d ON d.id = s.device_id"
    " WHERE s.child_id = :child ORDER BY s.at DESC, s.id DESC LIMIT :n",
    at=UTC,
)


async def rows(
    connection: AsyncConnection, clause: TextualSelect, **params: Any
) -> list[RowMapping]:
    return list((await connection.execute(clause, params)).mappings().all())
