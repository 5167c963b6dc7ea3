"""The HTTP face of the server: GET/POST semantics, GraphiQL, limits, masking, probes, production."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from services.sql.uow import Transactions
from settings import DEFAULT_SECRET_KEY, ConfigurationError, Settings
from tests.factories import make_family, make_school
from tests.support.graphql import GraphQL


async def test_queries_work_over_get_but_mutations_do_not(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    auth = {"authorization": f"Bearer {family.parent.token}"}
    ok = await http.get(
        "/graphql", params={"query": "{ viewer { user { username } } }"}, headers=auth
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["viewer"]["user"]["username"] == family.parent.user.username
    refused = await http.get("/graphql", params={"query": "mutation { logout }"}, headers=auth)
    assert refused.status_code in (400, 405)
    still = await http.get("/graphql", params={"query": "{ viewer { user { id } } }"}, headers=auth)
    assert still.json()["data"]["viewer"] is not None  # the GET mutation did not log out


async def test_browsers_get_graphiql_in_development(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_document_limits(gql: GraphQL) -> None:
    deep = "{ viewer { " + "user { " * 1 + "id } " + "school { features { meals } } } }"
    assert "errors" not in await gql.execute(deep)
    nested = "query { " + 'viewer { child(id: "x") { ' * 1 + "id } } }"
    assert "errors" not in await gql.execute(nested)
    too_deep = (
        "{ a: viewer { user { id } } "
        + " ".join(f"b{i}: viewer {{ user {{ id }} }}" for i in range(40))
        + " }"
    )
    aliased = await gql.execute(too_deep)
    assert "aliases" in aliased["errors"][0]["message"].lower()
    huge = "{ viewer { " + " ".join(["__typename"] * 3000) + " } }"
    tokens = await gql.execute(huge)
    assert "token" in tokens["errors"][0]["message"].lower()


async def test_depth_is_limited(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_query_depth": 2}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = (
                await client.post(
                    "/graphql", json={"query": "{ viewer { school { features { meals } } } }"}
                )
            ).json()
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_unexpected_errors_are_masked(
    settings: Settings, tx: Transactions, db: Database
) -> None:
    family = await make_family(tx, await make_school(tx))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            async with runtime.database.engine.begin() as conn:
                await conn.execute(text("ALTER TABLE guardianships RENAME TO guardianships_away"))
            try:
                body = (
                    await client.post(
                        "/graphql",
                        json={"query": "{ viewer { children { id } } }"},
                        headers={"authorization": f"Bearer {family.parent.token}"},
                    )
                ).json()
            finally:
                async with runtime.database.engine.begin() as conn:
                    await conn.execute(
                        text("ALTER TABLE guardianships_away RENAME TO guardianships")
                    )
    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert "guardianships" not in str(body)


async def test_health_and_readiness(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "broadcast": True}


async def test_readiness_reports_an_unreachable_database(
    settings: Settings, tmp_path: Path
) -> None:
    broken = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    )
    app = create_app(broken)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            ready = await client.get("/readyz")
            alive = await client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] is False
    assert alive.status_code == 200


@pytest.fixture(scope="module")
async def production(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    prod = settings.model_copy(
        update={
            "cartable_env": "production",
            "secret_key": "p" * 40,
            "totp_encryption_keys": Fernet.generate_key().decode(),
        }
    )
    app: Starlette = create_app(prod)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_production_has_no_graphiql_introspection_or_suggestions(
    production: httpx.AsyncClient,
) -> None:
    page = await production.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    introspection = (
        await production.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    ).json()
    assert "introspection" in introspection["errors"][0]["message"].lower()
    typo = (await production.post("/graphql", json={"query": "{ viewr { user { id } } }"})).json()
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_development_suggests_fields(gql: GraphQL) -> None:
    typo = await gql.execute("{ viewr { user { id } } }")
    assert "Did you mean" in typo["errors"][0]["message"]


def test_production_refuses_the_default_secret(settings: Settings) -> None:
    unsafe = settings.model_copy(
        update={"cartable_env": "production", "secret_key": DEFAULT_SECRET_KEY}
    )
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(unsafe)


def test_several_workers_refuse_the_memory_broadcast(settings: Settings) -> None:
    unsafe = settings.model_copy(update={"web_concurrency": 4, "broadcast_url": "memory://"})
    with pytest.raises(ConfigurationError, match="BROADCAST_URL"):
        create_app(unsafe)
