"""The dashboard benchmark compares like with like: its hand-written endpoint answers the very
JSON Cartable answers to the dashboard query, for the demo school's children, on both backends.
If the dashboard changes, this fails until the baseline follows."""

from collections.abc import AsyncIterator

import httpx
import pytest

from bench.dashboard import ONE_CHILD
from bench.dashboard_baseline import create_app
from models.db import Database
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.support.graphql import GraphQL

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"


@pytest.fixture(scope="module")
async def baseline(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    assert await seed_if_empty(settings) is True
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
    ):
        yield client


async def test_the_baseline_answers_what_cartable_answers(
    baseline: httpx.AsyncClient, gql: GraphQL
) -> None:
    token = (await gql.data(LOGIN, {"u": "demo.parent", "p": "demo-parent-pass"}))["login"]["token"]
    me = gql.as_(token)
    children = (await me.data("{ viewer { children { id } } }"))["viewer"]["children"]
    assert len(children) == 2
    headers = {"authorization": f"Bearer {token}"}
    for child in children:
        ours = await me.execute(ONE_CHILD, {"id": child["id"]})
        theirs = (await baseline.get(f"/dashboard/{child['id']}", headers=headers)).json()
        dashboard = theirs["data"]["viewer"]["child"]["dashboard"]
        assert all(dashboard[key] for key in dashboard), "every list has something to compare"
        assert theirs == ours
    stranger = await baseline.get(f"/dashboard/{children[0]['id']}")
    assert stranger.json() == {"data": {"viewer": None}}
