"""Races through the real server: many parents, each with their own HTTP client and connection,
at the same moment. The database settles them: one winner, clear errors for the others."""

import asyncio
import ssl
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col
from starlette.applications import Starlette

from models.mail import OutboxMail
from models.meetings import Appointment, AppointmentStatus
from services.meetings.slots import slots_channel
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, current_sequence
from tests.factories import Family, gid, make_families, make_meeting, make_school
from tests.support.live import live_server

PARENTS = 200
MOVERS = 11
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""
MOVE = """mutation($a: ID!, $s: ID!) { moveAppointment(appointmentId: $a, slotId: $s) {
  appointment { id } errors { code } } }"""
# One TLS context for every client: building one per client costs ~40 ms each.
TLS = ssl.create_default_context()


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


async def post(server: str, token: str, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
    """One parent's own client and connection."""
    async with httpx.AsyncClient(base_url=server, timeout=120, verify=TLS) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        )
    return response.status_code, response.json() if response.status_code == 200 else None


def outcome(body: Any) -> str:
    payload = next(iter(body["data"].values()))
    return payload["errors"][0]["code"] if payload["errors"] else "ok"


async def rows_on(runtime: Runtime, *where: Any) -> list[Appointment]:
    async with runtime.database.read() as session:
        return list((await session.scalars(select(Appointment).where(*where))).all())


async def test_200_parents_race_for_one_slot_and_one_wins(
    server: str, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = await make_families(tx, school, PARENTS)
    slot = meeting.slot(0, 0)
    async with runtime.database.read() as session:
        before = await current_sequence(session, slots_channel(meeting.id))

    async def book(family: Family) -> tuple[int, Any]:
        variables = {"c": gid("Child", family.child.id), "s": gid("Slot", slot.id)}
        return await post(server, family.parent.token, BOOK, variables)

    started = time.perf_counter()
    results = await asyncio.gather(*(book(family) for family in families))
    elapsed = time.perf_counter() - started

    assert Counter(status for status, _ in results) == {200: PARENTS}, "no 5xx, no 4xx"
    outcomes = [outcome(body) for _, body in results]
    assert Counter(outcomes) == {"ok": 1, "SLOT_TAKEN": PARENTS - 1}
    winner = families[outcomes.index("ok")]

    # No orphan: the slot holds exactly one row, the winner's; the losers wrote nothing.
    [row] = await rows_on(runtime, col(Appointment.slot_id) == slot.id)
    assert (row.child_id, row.status) == (winner.child.id, AppointmentStatus.ACTIVE)
    children = [family.child.id for family in families]
    assert len(await rows_on(runtime, col(Appointment.child_id).in_(children))) == 1
    addresses = [family.parent.user.email for family in families]
    async with runtime.database.read() as session:
        mailed = (
            await session.scalars(
                select(col(OutboxMail.to_address)).where(col(OutboxMail.to_address).in_(addresses))
            )
        ).all()
        after = await current_sequence(session, slots_channel(meeting.id))
    assert mailed == [winner.parent.user.email]
    assert after == before + 1, "only the winner published"
    print(f"\n{PARENTS} concurrent bookings of one slot: {elapsed:.2f} s")


async def test_concurrent_moves_into_one_free_slot_one_wins(
    server: str, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, teachers=1, end="19:00")  # twelve slots
    families = await make_families(tx, school, MOVERS)
    appointments = []
    for index, family in enumerate(families):
        variables = {
            "c": gid("Child", family.child.id),
            "s": gid("Slot", meeting.slot(0, index).id),
        }
        _, body = await post(server, family.parent.token, BOOK, variables)
        appointments.append(body["data"]["bookAppointment"]["appointment"]["id"])
    target = meeting.slot(0, MOVERS)

    async def move(family: Family, appointment: str) -> tuple[int, Any]:
        variables = {"a": appointment, "s": gid("Slot", target.id)}
        return await post(server, family.parent.token, MOVE, variables)

    results = await asyncio.gather(
        *(move(f, a) for f, a in zip(families, appointments, strict=True))
    )
    assert Counter(status for status, _ in results) == {200: MOVERS}
    outcomes = [outcome(body) for _, body in results]
    assert Counter(outcomes) == {"ok": 1, "SLOT_TAKEN": MOVERS - 1}
    winner = outcomes.index("ok")

    active = await rows_on(
        runtime,
        col(Appointment.status) == AppointmentStatus.ACTIVE,
        col(Appointment.meeting_id) == meeting.id,
    )
    held = {row.slot_id: row.child_id for row in active}
    # The winner left its old slot and holds the target; every loser kept its own slot.
    expected = {meeting.slot(0, i).id: f.child.id for i, f in enumerate(families) if i != winner}
    expected[target.id] = families[winner].child.id
    assert held == expected
