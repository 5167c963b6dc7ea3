"""The engine's tests run the app on its fast path (whatever GRAPHQL_EXECUTOR says), and the
same app on the stock path beside it where they compare the two."""

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from settings import Settings


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
