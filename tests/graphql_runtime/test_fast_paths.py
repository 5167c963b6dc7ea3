"""Each fast path of the engine is taken when it should be, as its probes count it (not as a
timing would suggest): plain fields, plain selections read by compiled readers, a shared event
executed once per selection, idle watchers parked and written from the fan-out. The same
operations on the stock path (GRAPHQL_EXECUTOR=stock) answer the same and take none of them."""

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from models.db import Database
from services.demo.seed import seed_if_empty
from services.sql.uow import Transactions
from settings import Settings
from tests.api.dashboard.queries import ALL_CHILDREN
from tests.api.live.push_helpers import BOOK, WATCH, watching
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.graphql import GraphQL
from tests.support.live import live_server
from tests.support.probes import moved, probes_of

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
FLAGGED = """query($on: Boolean!) { viewer { children { firstName dashboard {
  wallets { name balance { cents } } upcomingEvents { title kind @include(if: $on) } } } } }"""


@pytest.fixture(scope="module")
async def parent(settings: Settings, db: Database, gql: GraphQL) -> str:
    assert await seed_if_empty(settings) is True
    login = await gql.data(LOGIN, {"u": "demo.parent", "p": "demo-parent-pass"})
    token: str = login["login"]["token"]
    return token


async def test_a_query_reads_plain_fields_and_selections_with_compiled_readers(
    app: Starlette, stock_app: Starlette, gql: GraphQL, stock_http: httpx.AsyncClient, parent: str
) -> None:
    fast = probes_of(app)
    ours = await gql.as_(parent).data(ALL_CHILDREN)  # plans and readers made
    before = fast.snapshot()
    assert await gql.as_(parent).data(ALL_CHILDREN) == ours
    counted = moved(before, fast)
    assert counted["plain_fields"] > 50  # read by execute_fields, outside plain selections
    assert counted["plain_selections"] > 10  # wallets, slots, events... of both children
    assert counted["compiled_reads"] == counted["plain_selections"]
    assert "readers_compiled" not in counted  # written once, on the first request
    theirs = await GraphQL(stock_http, parent).data(ALL_CHILDREN)
    assert theirs == ours
    assert set(probes_of(stock_app).snapshot().values()) == {0}


async def test_a_document_with_directives_compiles_no_reader_per_request(
    app: Starlette, gql: GraphQL, parent: str
) -> None:
    fast = probes_of(app)
    for on in (True, False):  # two selections: `kind` asked, and not
        await gql.as_(parent).data(FLAGGED, {"on": on})
    before = fast.snapshot()
    for n in range(20):
        data = await gql.as_(parent).data(FLAGGED, {"on": n % 2 == 0})
        event = data["viewer"]["children"][0]["dashboard"]["upcomingEvents"][0]
        assert ("kind" in event) is (n % 2 == 0)
    counted = moved(before, fast)
    # Planned anew for each operation (the fields asked depend on the variables), read by
    # the readers already written for the same two selections: none written again.
    assert counted.get("readers_compiled", 0) == 0
    assert counted["compiled_reads"] >= 20


async def test_idle_watchers_park_and_one_execution_serves_them_all(
    app: Starlette,
    stock_app: Starlette,
    tx: Transactions,
    gql: GraphQL,
    stock_http: httpx.AsyncClient,
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = [await make_family(tx, school) for _ in range(8)]
    m = gid("Meeting", meeting.id)
    fast, stock = probes_of(app), probes_of(stock_app)
    received: dict[str, list[Any]] = {}
    for name, served, client, probes in (
        ("fast", app, gql, fast),
        ("stock", stock_app, GraphQL(stock_http), stock),
    ):
        slot = gid("Slot", meeting.slot(0, 0 if name == "fast" else 1).id)
        async with live_server(served) as url, contextlib.AsyncExitStack() as stack:
            tokens = [f.parent.token for f in families[:4]]
            sockets, ops, _ = await watching(stack, url, tokens, WATCH, {"m": m})
            await asyncio.sleep(0.1)  # each operation's task ends: parked
            parked = probes.snapshot()
            family = families[4 if name == "fast" else 5]
            booked = await client.as_(family.parent.token).data(
                BOOK, {"c": gid("Child", family.child.id), "s": slot}
            )
            assert booked["bookAppointment"]["errors"] == []
            events = [await s.next_data(op) for s, op in zip(sockets, ops, strict=True)]
            received[name] = [e["meetingSlotsChanged"]["slots"] for e in events]
            counted = moved(parked, probes)
        if name == "fast":
            assert parked["parked"] >= 4  # one per watcher, once its snapshot was sent
            # One watcher woken to execute the event, once; the three others written its
            # frame from the fan-out without a task.
            assert counted["revived"] == 1
            assert counted["shared_executions"] == 1
            assert counted["idle_writes"] == 3
        else:
            assert set(probes.snapshot().values()) == {0}
    for name in ("fast", "stock"):
        assert all(slots == received[name][0] for slots in received[name])
        assert [s["available"] for s in received[name][0]] == [False]
