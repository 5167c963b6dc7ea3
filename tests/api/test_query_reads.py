"""A query's reads share one database session, the one its authentication read with: a
dashboard of several children, with a meeting's teachers and slots, costs one connection
checkout; a mutation still reads what it committed; no request leaves a connection out."""

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event

from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.dashboard.queries import ALL_CHILDREN
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.graphql import GraphQL

BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id slot { available } } errors { code } } }"""


_counting: ContextVar[bool] = ContextVar("counting", default=False)


class Checkouts:
    """Connection checkouts made for the requests sent within the block (the request runs in
    this task, its DataLoader batches in tasks it starts); the app's background workers,
    started elsewhere, are not counted."""

    def __init__(self, runtime: Runtime) -> None:
        self.pool = runtime.database.engine.sync_engine.pool
        self.count = 0

    def __enter__(self) -> "Checkouts":
        self.token = _counting.set(True)
        event.listen(self.pool, "checkout", self.seen)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.pool, "checkout", self.seen)
        _counting.reset(self.token)

    def seen(self, *_: Any) -> None:
        if _counting.get():
            self.count += 1


class Outstanding:
    """Connections checked out for the requests sent within the block and not yet returned
    to the pool (the app's background workers, started elsewhere, are not followed)."""

    def __init__(self, runtime: Runtime) -> None:
        self.pool = runtime.database.engine.sync_engine.pool
        self.records: set[int] = set()

    def __enter__(self) -> "Outstanding":
        self.token = _counting.set(True)
        event.listen(self.pool, "checkout", self.out)
        event.listen(self.pool, "checkin", self.back)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.pool, "checkout", self.out)
        event.remove(self.pool, "checkin", self.back)
        _counting.reset(self.token)

    def out(self, _connection: Any, record: Any, *_: Any) -> None:
        if _counting.get():
            self.records.add(id(record))

    def back(self, _connection: Any, record: Any) -> None:
        self.records.discard(id(record))


async def test_a_dashboard_query_reads_through_one_session(
    tx: Transactions, runtime: Runtime, gql: GraphQL
) -> None:
    school = await make_school(tx)
    await make_meeting(tx, school)
    family = await make_family(tx, school, children=2)
    me = gql.as_(family.parent.token)
    with Checkouts(runtime) as checkouts:
        children = (await me.data(ALL_CHILDREN))["viewer"]["children"]
    assert len(children) == 2
    meeting = children[0]["dashboard"]["upcomingEvents"][0]["meeting"]
    assert len(meeting["teachers"]) == 2 and len(meeting["slots"]) == 12
    # The bearer session and every read of the query: one checkout.
    assert checkouts.count == 1

    slot = meeting["slots"][0]["id"]
    booked = (await me.data(BOOK, {"c": children[0]["id"], "s": slot}))["bookAppointment"]
    assert booked["errors"] == []
    assert booked["appointment"]["slot"]["available"] is False
    again = (await me.data(ALL_CHILDREN))["viewer"]["children"][0]["dashboard"]
    assert again["upcomingEvents"][0]["meeting"]["slots"][0]["available"] is False
    assert gid("Child", family.children[0].id) == children[0]["id"]


async def test_no_request_leaves_its_session_open(
    tx: Transactions, runtime: Runtime, gql: GraphQL
) -> None:
    """The session the authentication opens is closed whatever follows: a query, a mutation,
    a document that does not parse or validate, an unknown token."""
    school = await make_school(tx)
    await make_meeting(tx, school)
    family = await make_family(tx, school, children=1)
    me = gql.as_(family.parent.token)
    with Outstanding(runtime) as outstanding:
        child = (await me.data(ALL_CHILDREN))["viewer"]["children"][0]
        slot = child["dashboard"]["upcomingEvents"][0]["meeting"]["slots"][0]["id"]
        booked = (await me.data(BOOK, {"c": child["id"], "s": slot}))["bookAppointment"]
        assert booked["errors"] == []
        assert (await me.execute("{ viewer { "))["errors"]
        assert (await me.execute("{ viewer { nothing } }"))["errors"]
        unknown = gql.as_("not-a-token")
        assert (await unknown.data("{ viewer { user { id } } }"))["viewer"] is None
        assert outstanding.records == set()
