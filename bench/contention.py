"""contention: exactly-once under races, through a real Cartable server, on SQLite and on
PostgreSQL. 200 parents (each their own user, session and connection) book the 10 slots of
one meeting at the same instant; then 100 meal reservations (each its own idempotency key)
hit one wallet that covers only some of them. Figures: latencies, every outcome counted, and
the proofs read from the database afterwards (one appointment per slot, the balance exact to
the cent, the ledger balanced).

Sizes: BENCH_PARENTS, BENCH_SLOTS, BENCH_RESERVATIONS, BENCH_COVERED (meals the wallet pays for),
BENCH_CONTENTION_BACKENDS (e.g. "sqlite")."""

import asyncio
import os
import tempfile
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bench.clients import Call, Outcome, burst
from bench.common import Report, cartable_command, free_port, percentile, serve
from bench.databases import backend_database, cli, server_env
from bench.seeding import (
    Bench,
    bookable_day,
    fund_meals,
    meal_on,
    meeting_slots,
    school_with_parents,
)
from models.db import open_database
from models.meals import MealReservation
from models.meetings import Appointment, AppointmentStatus
from models.wallets import Wallet
from schema.ids import to_global_id
from services.sql.uow import Transactions
from services.wallets.ledger_check import verify_ledger
from settings import Settings

PARENTS = int(os.environ.get("BENCH_PARENTS", "200"))
SLOTS = int(os.environ.get("BENCH_SLOTS", "10"))
RESERVATIONS = int(os.environ.get("BENCH_RESERVATIONS", "100"))
COVERED = int(os.environ.get("BENCH_COVERED", "37"))
PRICE = 420
LEFTOVER = 150  # cents the wallet keeps once it cannot pay another meal
CLIENT_PROCESSES = int(os.environ.get("BENCH_CLIENT_PROCESSES", "2"))
BACKENDS = os.environ.get("BENCH_CONTENTION_BACKENDS", "sqlite,postgres").split(",")

BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""
RESERVE = """mutation($c: ID!, $d: Date!, $a: ID!, $k: String!) {
  reserveMeal(childId: $c, date: $d, articleId: $a, idempotencyKey: $k) {
    reservation { id } errors { code } } }"""


def outcome(result: Outcome) -> str:
    """ok, the first error code of the payload, or what went wrong over HTTP."""
    if result.status != 200 or result.body is None:
        return f"HTTP_{result.status}"
    if result.body.get("errors") or not result.body.get("data"):
        return "GRAPHQL_ERROR"
    payload = next(iter(result.body["data"].values()))
    return payload["errors"][0]["code"] if payload["errors"] else "ok"


def call(token: str, query: str, variables: dict[str, Any]) -> Call:
    return Call(
        "/graphql", {"authorization": f"Bearer {token}"}, {"query": query, "variables": variables}
    )


async def prepare(url: str) -> tuple[Bench, list[int], date, int, int]:
    settings = Settings(database_url=url)
    database = open_database(url)
    try:
        tx = Transactions(database, settings)
        bench = await school_with_parents(tx, PARENTS)
        _, slots = await meeting_slots(tx, bench, SLOTS)
        day = bookable_day(tx.now())
        article = await meal_on(tx, bench, day, PRICE)
        wallet = await fund_meals(tx, bench.parents[0].child_id, COVERED * PRICE + LEFTOVER)
        return bench, slots, day, article, wallet
    finally:
        await database.dispose()


async def afterwards(url: str, slots: list[int], child_id: int, wallet_id: int) -> dict[str, Any]:
    """What the database holds once the races are over."""
    database = open_database(url)
    try:
        async with database.read() as session:
            per_slot = dict(
                (
                    await session.execute(
                        select(col(Appointment.slot_id), func.count())
                        .where(
                            col(Appointment.slot_id).in_(slots),
                            col(Appointment.status) == AppointmentStatus.ACTIVE,
                        )
                        .group_by(col(Appointment.slot_id))
                    )
                ).all()
            )
            reservations = await session.scalar(
                select(func.count()).where(
                    col(MealReservation.child_id) == child_id,
                    col(MealReservation.status) == "ACTIVE",
                )
            )
            balance = await session.scalar(
                select(col(Wallet.balance_cents)).where(col(Wallet.id) == wallet_id)
            )
            ledger = await verify_ledger(session)
        return {
            "appointments_per_slot": [int(per_slot.get(slot, 0)) for slot in slots],
            "reservations": int(reservations or 0),
            "balance_cents": int(balance or 0),
            "ledger_ok": ledger.ok,
            "ledger": str(ledger),
        }
    finally:
        await database.dispose()


def add_latencies(report: Report, label: str, outcomes: list[Outcome]) -> None:
    latencies = [o.latency * 1000 for o in outcomes]
    report.add(f"{label} p50 latency", percentile(latencies, 50), "ms")
    report.add(f"{label} p99 latency", percentile(latencies, 99), "ms")


def add_counts(report: Report, label: str, counts: Counter[str], expected: dict[str, int]) -> None:
    """Every outcome seen, each beside what exactly-once requires (0 for anything unexpected)."""
    for code in [*expected, *sorted(set(counts) - set(expected))]:
        want = expected.get(code, 0)
        report.add(f"{label} {code}", counts[code], "count", f"== {want}", counts[code] == want)


def run_backend(backend: str, report: Report) -> None:
    with backend_database(backend) as url, tempfile.TemporaryDirectory() as directory:
        if url is None:
            report.details[backend] = "skipped: PostgreSQL unreachable"
            return
        env = server_env(url, directory)
        cli("migrate", env)
        bench, slots, day, article, wallet = asyncio.run(prepare(url))
        port = free_port()
        with serve(cartable_command(), {**env, "PORT": str(port)}, port) as server:
            bookings = burst(
                server.url,
                [
                    call(
                        parent.token,
                        BOOK,
                        {
                            "c": to_global_id("Child", parent.child_id),
                            "s": to_global_id("Slot", slots[n % len(slots)]),
                        },
                    )
                    for n, parent in enumerate(bench.parents)
                ],
                processes=CLIENT_PROCESSES,
            )
            payer = bench.parents[0]
            meal = {
                "c": to_global_id("Child", payer.child_id),
                "d": day.isoformat(),
                "a": to_global_id("MealArticle", article),
            }
            reservations = burst(
                server.url,
                [
                    call(payer.token, RESERVE, {**meal, "k": f"bench-meal-{n}"})
                    for n in range(RESERVATIONS)
                ],
                processes=CLIENT_PROCESSES,
            )
        found = asyncio.run(afterwards(url, slots, payer.child_id, wallet))

    booked = Counter(outcome(o) for o in bookings)
    reserved = Counter(outcome(o) for o in reservations)
    paid = min(COVERED, RESERVATIONS)
    balance = COVERED * PRICE + LEFTOVER
    report.details[backend] = {
        "bookings": dict(booked),
        "reservations": dict(reserved),
        "database": found,
    }
    label = f"{backend} booking:"
    add_latencies(report, label, bookings)
    add_counts(report, label, booked, {"ok": SLOTS, "SLOT_TAKEN": PARENTS - SLOTS})
    single = sum(1 for n in found["appointments_per_slot"] if n == 1)
    report.add(
        f"{label} slots with one appointment", single, "slots", f"== {SLOTS}", single == SLOTS
    )
    total = sum(found["appointments_per_slot"])
    report.add(f"{label} appointments in all", total, "rows", f"== {SLOTS}", total == SLOTS)

    label = f"{backend} meals:"
    add_latencies(report, label, reservations)
    add_counts(report, label, reserved, {"ok": paid, "INSUFFICIENT_FUNDS": RESERVATIONS - paid})
    report.add(
        f"{label} reservations stored",
        found["reservations"],
        "rows",
        f"== {paid} (floor({balance}/{PRICE}))",
        found["reservations"] == paid,
    )
    expected_balance = balance - paid * PRICE
    report.add(
        f"{label} final balance",
        found["balance_cents"],
        "cents",
        f"== {expected_balance}",
        found["balance_cents"] == expected_balance,
    )
    report.add(
        f"{backend} verify-ledger passes",
        1 if found["ledger_ok"] else 0,
        "bool",
        "== 1",
        found["ledger_ok"],
    )


def main() -> None:
    report = Report(
        "contention",
        {
            "parents": PARENTS,
            "slots": SLOTS,
            "reservations": RESERVATIONS,
            "covered": COVERED,
            "price_cents": PRICE,
            "client_processes": CLIENT_PROCESSES,
            "backends": BACKENDS,
        },
    )
    for backend in BACKENDS:
        run_backend(backend, report)
    report.finish()


if __name__ == "__main__":
    main()
