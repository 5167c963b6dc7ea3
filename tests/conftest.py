"""Shared fixtures: a fresh database per test module and backend (SQLite always, PostgreSQL too)."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import SQLModel
from starlette.applications import Starlette

import models  # noqa: F401  (registers every table)
from models.db import Database, open_database
from server import create_app
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import Settings
from tests.support.backends import fresh_database
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With GRAPHQL_EXECUTOR=stock (`.ci/run` runs tests/api so once more), the tests of the
    engine's own fast paths (parking, shared frames, per-event memory) do not apply."""
    if Settings().graphql_executor != "stock":
        return
    skip = pytest.mark.skip(reason="GRAPHQL_EXECUTOR=stock: graphql_runtime's fast paths are off")
    for item in items:
        if item.get_closest_marker("fast_path"):
            item.add_marker(skip)


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("module")


@pytest.fixture(scope="module")
async def database_url(backend: str, module_tmp: Path) -> AsyncIterator[str]:
    async with fresh_database(backend, module_tmp) as url:
        yield url


@pytest.fixture(scope="module")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = open_database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def settings(database_url: str, module_tmp: Path, clock: FakeClock) -> Settings:
    return Settings(
        database_url=database_url,
        broadcast_url="memory://",
        smtp_url=None,
        mail_outbox_dir=str(module_tmp / "outbox"),
        documents_dir=str(module_tmp / "documents"),
        public_url="http://cartable.test",
        secret_key="test-secret-key-" + "x" * 32,
        demo=False,
        clock=clock,
        # Cheap hashing keeps the suite fast; production uses the RFC 9106 defaults.
        argon2_time_cost=1,
        argon2_memory_kib=256,
        argon2_parallelism=1,
    )


@pytest.fixture(scope="module")
async def app(settings: Settings, db: Database) -> AsyncIterator[Starlette]:
    """The real application on the module's database (tables created by `db`), lifespan running."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
def runtime(app: Starlette) -> Runtime:
    runtime: Runtime = app.state.runtime
    return runtime


@pytest.fixture(scope="module")
def tx(runtime: Runtime) -> Transactions:
    return runtime.transactions


@pytest.fixture(scope="module")
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://cartable.test") as client:
        yield client


@pytest.fixture(scope="module")
def gql(http: httpx.AsyncClient) -> GraphQL:
    return GraphQL(http)
