"""The fast path answers exactly what the stock path answers: queries generated from the schema
(hypothesis-graphql) over the demo school, each run as demo.parent and as demo.staff through
the engine's executor and through strawberry's and graphql-core's own, must give the same data
and the same errors, byte for byte of their JSON."""

import asyncio
import datetime
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from starlette.applications import Starlette

from graphql_runtime.compat import graphql_schema
from models.db import Database
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.api.dashboard.queries import ALL_CHILDREN
from tests.support.graphql import GraphQL
from tests.support.probes import probes_of

EXAMPLES = 150
USERS = {"parent": ("demo.parent", "demo-parent-pass"), "staff": ("demo.staff", "demo-staff-pass")}
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
# Where the generated IDs come from: what the demo school shows each user.
IDS = (
    ALL_CHILDREN,
    "{ meetings { id teachers { id } slots { id } } devices { id } mealArticles { id } }",
)
DEMO_DAY = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def ids_in(answer: Any) -> Iterator[str]:
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "id" and isinstance(value, str):
                yield value
            else:
                yield from ids_in(value)
    elif isinstance(answer, list):
        for item in answer:
            yield from ids_in(item)


@pytest.fixture(scope="module")
async def demo(settings: Settings, db: Database, gql: GraphQL) -> tuple[dict[str, str], list[str]]:
    """The demo users' tokens, and every ID they see."""
    assert await seed_if_empty(settings) is True
    tokens = {}
    for who, (username, password) in USERS.items():
        tokens[who] = (await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"]
    seen: set[str] = set()
    for token in tokens.values():
        for query in IDS:
            seen.update(ids_in(await gql.as_(token).data(query)))
    return tokens, sorted(seen)


def scalars(known_ids: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    days = st.integers(min_value=-40, max_value=60).map(
        lambda n: DEMO_DAY + datetime.timedelta(days=n)
    )
    return {
        # Mostly IDs of the demo (theirs or the other family's), sometimes anything.
        "ID": st.one_of(st.sampled_from(known_ids), st.text(max_size=12)).map(nodes.String),
        "DateTime": days.map(lambda d: d.isoformat()).map(nodes.String),
        "Date": days.map(lambda d: d.date().isoformat()).map(nodes.String),
        "Time": st.times().map(lambda t: t.replace(microsecond=0).isoformat()).map(nodes.String),
    }


@pytest.mark.slow
@pytest.mark.timeout(600)  # ~15 s on a quiet machine; several times that on a busy one
async def test_generated_queries_answer_alike_on_the_fast_and_the_stock_path(
    app: Starlette,
    http: httpx.AsyncClient,
    stock_app: Starlette,
    stock_http: httpx.AsyncClient,
    demo: tuple[dict[str, str], list[str]],
) -> None:
    tokens, known_ids = demo
    loop = asyncio.get_running_loop()
    schema = graphql_schema(app.state.graphql_schema.schema)
    compared: list[int] = []

    async def both(query: str, token: str) -> tuple[Any, Any]:
        headers = {"authorization": f"Bearer {token}"}
        answers = []
        for client in (http, stock_http):
            response = await client.post("/graphql", json={"query": query}, headers=headers)
            answers.append((response.status_code, response.json()))
        return answers[0], answers[1]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(query=queries(schema, custom_scalars=scalars(known_ids)))
    def answers_alike(query: str) -> None:
        for who, token in tokens.items():
            fast, stock = asyncio.run_coroutine_threadsafe(both(query, token), loop).result()
            assert fast == stock, f"as {who}:\n{query}"
            compared.append(len(str(fast)))

    await asyncio.to_thread(answers_alike)
    assert len(compared) >= EXAMPLES * len(tokens)
    # The fast path's probes moved (it was not the stock path twice); the stock one's did not.
    assert probes_of(app).plain_fields > 0
    assert set(probes_of(stock_app).snapshot().values()) == {0}
