"""The dashboard by hand: one Starlette route, plain SQL on one connection, JSON built directly.

The baseline of bench/dashboard.py: it answers `GET /dashboard/{child id}` (bearer session) with
the very JSON Cartable answers to the dashboard query of one child (the `data` of
bench.dashboard.ONE_CHILD), from the same database, so the difference measured is
what the GraphQL layer, the ORM and the DataLoaders cost. It serves parents only (the bench's
viewer). Run: `python -m bench.dashboard_baseline` with DATABASE_URL and PORT, as `cli serve`.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from bench.dashboard_sql import (
    CHILD,
    DOCUMENTS,
    EVENTS,
    LIMIT,
    MEALS,
    MEETINGS,
    OPERATIONS,
    SALES,
    SESSION,
    SLOTS,
    TEACHERS,
    WALLETS,
    rows,
)
from models.db import create_engine
from schema.ids import parse_global_id, to_global_id
from services.common.school_time import local_today, start_of_day, zone
from services.dashboard.modules import enabled_modules
from services.documents.links import download_url
from services.wallets.communication import WALLET, communication_for
from settings import Settings


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def money(cents: int) -> dict[str, Any]:
    return {"cents": cents, "currency": "EUR"}


class Baseline:
    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self.settings = settings
        self.engine = engine

    async def viewer(self, connection: AsyncConnection, request: Request) -> int | None:
        """The user behind the bearer token, checked as services.accounts.sessions checks it."""
        given, _, token = request.headers.get("authorization", "").partition(" ")
        if given.lower() != "bearer" or not token.strip():
            return None
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        found = await rows(connection, SESSION, digest=digest)
        session, now = (found[0] if found else None), self.settings.clock()
        idle = timedelta(minutes=self.settings.session_idle_minutes)
        if session is None or session["revoked"] or session["role"] != "PARENT":
            return None
        if now >= session["expires"] or now >= session["last_seen"] + idle:
            return None
        return int(session["user_id"])

    async def dashboard(self, request: Request) -> JSONResponse:
        parsed = parse_global_id(request.path_params["child"])
        async with self.engine.connect() as connection:
            user = await self.viewer(connection, request)
            if user is None:
                return JSONResponse({"data": {"viewer": None}})
            child = None
            if parsed is not None and parsed[0] == "Child":
                child = (await rows(connection, CHILD, user=user, child=parsed[1])) or None
            if child is None:
                return JSONResponse({"data": {"viewer": {"child": None}}})
            body = await self.child(connection, user, child[0])
        return JSONResponse({"data": {"viewer": {"child": body}}})

    async def child(
        self, connection: AsyncConnection, user: int, child: RowMapping
    ) -> dict[str, Any]:
        now = self.settings.clock()
        child_id = child["id"]
        wallets = await rows(connection, WALLETS, child=child_id)
        agenda = await self.agenda(connection, child, now)
        documents = await rows(connection, DOCUMENTS, child=child_id, user=user, n=LIMIT)
        operations = await rows(connection, OPERATIONS, child=child_id, n=LIMIT)
        sales = await rows(connection, SALES, child=child_id, n=LIMIT)
        return {
            "id": to_global_id("Child", child_id),
            "firstName": child["first_name"],
            "dashboard": {
                "modules": modules(child),
                "wallets": [
                    {
                        "id": to_global_id("Wallet", w["id"]),
                        "name": w["name"],
                        "balance": money(w["balance_cents"]),
                        "structuredCommunication": communication_for(WALLET, w["id"]),
                    }
                    for w in wallets
                ],
                "upcomingEvents": agenda,
                "unreadDocuments": [
                    {
                        "id": to_global_id("Document", d["id"]),
                        "title": d["title"],
                        "date": d["date"].isoformat(),
                        "read": False,
                        "kind": d["kind"],
                        "downloadUrl": download_url(self.settings, d["id"], user, now),
                    }
                    for d in documents
                ],
                "recentOperations": [
                    {
                        "id": to_global_id("Operation", o["id"]),
                        "at": iso(o["at"]),
                        "type": o["operation_type"],
                        "method": o["method"],
                        "amount": money(o["amount_cents"]),
                        "balanceAfter": {"cents": o["balance_after_cents"]},
                        "label": o["label"] or "",
                        "wallet": {
                            "id": to_global_id("Wallet", o["wallet_id"]),
                            "name": o["wallet_name"],
                        },
                    }
                    for o in operations
                ],
                "recentSales": [
                    {
                        "id": to_global_id("Sale", s["id"]),
                        "at": iso(s["at"]),
                        "article": s["article"],
                        "quantity": s["quantity"],
                        "amount": {"cents": s["amount_cents"]},
                        "device": {
                            "id": to_global_id("Device", s["device_id"]),
                            "name": s["device_name"],
                            "kind": s["device_kind"],
                        },
                        "wallet": {
                            "id": to_global_id("Wallet", s["wallet_id"]),
                            "name": s["wallet_name"],
                        },
                    }
                    for s in sales
                ],
            },
        }

    async def agenda(
        self, connection: AsyncConnection, child: RowMapping, now: datetime
    ) -> list[dict[str, Any]]:
        """School events, meetings and tomorrow's meals merged, soonest first (services.dashboard.agenda)."""
        school, class_name = child["school_id"], child["class_name"]
        # (starts_at, source rank, id) orders the merge exactly as AgendaItem.order.
        items: list[tuple[tuple[datetime, int, int], dict[str, Any]]] = []
        for e in await rows(
            connection, EVENTS, school=school, now=now, n=LIMIT, **{"class": class_name}
        ):
            event = {
                "id": to_global_id("Event", e["id"]),
                "title": e["title"],
                "startsAt": iso(e["starts_at"]),
                "endsAt": iso(e["ends_at"]),
                "kind": e["kind"],
                "className": e["class_name"],
                "meeting": None,
            }
            items.append(((e["starts_at"], 0, e["id"]), event))
        meetings: dict[int, dict[str, Any]] = {}
        if child["feature_meetings"]:
            found = await rows(
                connection, MEETINGS, school=school, now=now, n=LIMIT, **{"class": class_name}
            )
            for m in found:
                meeting = {
                    "id": to_global_id("Meeting", m["id"]),
                    "title": m["title"],
                    "startsAt": iso(m["starts_at"]),
                    "endsAt": iso(m["ends_at"]),
                    "bookingOpensAt": iso(m["booking_opens_at"]),
                    "bookingClosesAt": iso(m["booking_closes_at"]),
                    "teachers": [],
                    "slots": [],
                }
                event = {
                    "id": meeting["id"],
                    "title": m["title"],
                    "startsAt": meeting["startsAt"],
                    "endsAt": meeting["endsAt"],
                    "kind": "meeting",
                    "className": None,
                    "meeting": meeting,
                }
                items.append(((m["starts_at"], 1, m["id"]), event))
                meetings[m["id"]] = meeting
        if child["feature_meals"]:
            tz = zone(child["timezone"])
            tomorrow = local_today(now, tz) + timedelta(days=1)
            starts, ends = (
                start_of_day(tomorrow, tz),
                start_of_day(tomorrow + timedelta(days=1), tz),
            )
            for r in await rows(connection, MEALS, child=child["id"], day=tomorrow):
                event = {
                    "id": to_global_id("MealReservation", r["id"]),
                    "title": r["name"],
                    "startsAt": starts.isoformat(),
                    "endsAt": ends.isoformat(),
                    "kind": "meal",
                    "className": None,
                    "meeting": None,
                }
                items.append(((starts, 2, r["id"]), event))
        items.sort(key=lambda item: item[0])
        shown = [event for _, event in items[:LIMIT]]
        await self.meeting_details(connection, [e["meeting"] for e in shown if e["meeting"]])
        return shown

    async def meeting_details(
        self, connection: AsyncConnection, meetings: list[dict[str, Any]]
    ) -> None:
        """Teachers and slots of the meetings shown, two statements for all of them."""
        if not meetings:
            return
        by_id = {parse_global_id(m["id"])[1]: m for m in meetings}  # type: ignore[index]
        for t in await rows(connection, TEACHERS, ids=list(by_id)):
            by_id[t["meeting_id"]]["teachers"].append(
                {
                    "id": to_global_id("Teacher", t["id"]),
                    "displayName": t["display_name"],
                    "subject": t["subject"],
                }
            )
        for s in await rows(connection, SLOTS, ids=list(by_id)):
            by_id[s["meeting_id"]]["slots"].append(
                {
                    "id": to_global_id("Slot", s["id"]),
                    "teacher": {"displayName": s["display_name"]},
                    "startsAt": iso(s["starts_at"]),
                    "endsAt": iso(s["ends_at"]),
                    "available": bool(s["available"]),
                }
            )


class _School:
    """The three switches enabled_modules reads, from the child's row."""

    def __init__(self, child: RowMapping) -> None:
        self.feature_meals = bool(child["feature_meals"])
        self.feature_meetings = bool(child["feature_meetings"])
        self.feature_photos = bool(child["feature_photos"])


def modules(child: RowMapping) -> list[str]:
    return enabled_modules(_School(child))  # type: ignore[arg-type]


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    engine = create_engine(settings.database_url)
    baseline = Baseline(settings, engine)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.dispose()

    routes = [
        Route("/dashboard/{child}", baseline.dashboard),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    import uvicorn

    from server import uvicorn_options

    settings = Settings()
    # Served exactly as `cli serve` serves Cartable: same uvicorn options and logging.
    uvicorn.run(
        "bench.dashboard_baseline:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level="info",
        **uvicorn_options(settings),
    )


if __name__ == "__main__":
    main()
