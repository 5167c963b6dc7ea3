"""The demo school's parent meeting, as a newcomer finds it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.db import Database
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"""
EMMA = """{ viewer { children { id firstName appointments { id }
  meetings { id title startsAt endsAt bookingOpensAt bookingClosesAt
             teachers { id displayName subject }
             slots { id available startsAt teacher { displayName } } } } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""
SCHEDULE = """query($m: ID!) { node(id: $m) { ... on Meeting { schedule {
  slot { startsAt teacher { displayName } } booking { childFirstName } } } } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def login(gql: GraphQL, username: str, password: str) -> GraphQL:
    token = (await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"]
    assert token
    return gql.as_(token)


async def test_a_meeting_two_weeks_ahead_with_three_teachers_and_two_slots_taken(
    seeded: Settings, gql: GraphQL, clock: FakeClock
) -> None:
    parent = await login(gql, "demo.parent", "demo-parent-pass")
    children = (await parent.data(EMMA))["viewer"]["children"]
    emma = next(c for c in children if c["firstName"] == "Emma")
    [meeting] = emma["meetings"]
    brussels = ZoneInfo("Europe/Brussels")
    day = clock().astimezone(brussels).date() + timedelta(days=14)
    assert datetime.fromisoformat(meeting["startsAt"]) == datetime.combine(day, time(17), brussels)
    assert datetime.fromisoformat(meeting["endsAt"]) == datetime.combine(day, time(20), brussels)
    assert datetime.fromisoformat(meeting["bookingOpensAt"]) <= clock()
    assert datetime.fromisoformat(meeting["bookingClosesAt"]) > clock()
    assert [(t["displayName"], t["subject"]) for t in meeting["teachers"]] == [
        ("Claire Lambert", "Français"),
        ("Marc Peeters", "Mathématiques"),
        ("Sofia Rossi", "Néerlandais"),
    ]
    per_teacher: dict[str, list[str]] = {}
    for slot in meeting["slots"]:
        local = datetime.fromisoformat(slot["startsAt"]).astimezone(brussels)
        per_teacher.setdefault(slot["teacher"]["displayName"], []).append(f"{local:%H:%M}")
    assert len(per_teacher["Claire Lambert"]) == 18 and len(per_teacher["Sofia Rossi"]) == 18
    # Marc Peeters pauses from 18:20 to 18:40.
    assert "18:10" in per_teacher["Marc Peeters"] and "18:40" in per_teacher["Marc Peeters"]
    assert len(per_teacher["Marc Peeters"]) == 16
    taken = [s for s in meeting["slots"] if not s["available"]]
    assert [(s["teacher"]["displayName"]) for s in taken] == ["Claire Lambert", "Marc Peeters"]
    assert all(c["appointments"] == [] for c in children)  # the taken slots are not theirs

    free = next(s for s in meeting["slots"] if s["available"])
    booked = (await parent.data(BOOK, {"c": emma["id"], "s": free["id"]}))["bookAppointment"]
    assert booked["errors"] == []

    teacher = await login(gql, "demo.teacher", "demo-teacher-pass")
    entries = (await teacher.data(SCHEDULE, {"m": meeting["id"]}))["node"]["schedule"]
    assert {e["slot"]["teacher"]["displayName"] for e in entries} == {"Claire Lambert"}
    assert entries[0]["booking"] == {"childFirstName": "Léa"}
