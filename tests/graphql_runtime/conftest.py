"""The engine's tests run the app on its fast path (whatever GRAPHQL_EXECUTOR says), and the
same app on the stock path beside it where they compare the two."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.api.dashboard.queries import ALL_CHILDREN
from tests.support.graphql import GraphQL


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"graphql_executor": "fast"})


@pytest.fixture(scope="module")
async def stock_app(settings: Settings, db: Database) -> AsyncIterator[Starlette]:
    """The same app on the same database, on strawberry's and graphql-core's stock path."""
    application = create_app(settings.model_copy(update={"graphql_executor": "stock"}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def stock_http(stock_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=stock_app, client=("203.0.113.8", 4712))
    async with httpx.AsyncClient(transport=transport, base_url="http://cartable.test") as client:
        yield client


USERS = {"parent": ("demo.parent", "demo-parent-pass"), "staff": ("demo.staff", "demo-staff-pass")}
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
# Where the differential test's IDs come from: what the demo school shows each user.
IDS = (
    ALL_CHILDREN,
    "{ meetings { id teachers { id } slots { id } } devices { id } mealArticles { id } }",
)


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
