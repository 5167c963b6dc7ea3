"""GDPR through the API: a parent downloads their data (mutation and GET /me/export.json);
only staff erase a family, and then it can no longer sign in."""

import httpx
import pytest

from models.db import Database
from schema.ids import to_global_id
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.support.graphql import GraphQL

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code } } }"""
EXPORT = "mutation { requestDataExport { data url errors { code } } }"
ERASE = """mutation($id: ID!) { eraseFamily(parentId: $id) {
  erasedParentId erasedChildIds errors { code field } } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    demo = settings.model_copy(update={"demo_families": 1})
    assert await seed_if_empty(demo) is True
    return demo


async def token(gql: GraphQL, username: str) -> str:
    password = f"{username.replace('.', '-')}-pass"
    payload = (await gql.data(LOGIN, {"u": username, "p": password}))["login"]
    assert payload["errors"] == [], payload
    return str(payload["token"])


async def test_export_then_erase(seeded: Settings, gql: GraphQL, http: httpx.AsyncClient) -> None:
    other_token = await token(gql, "demo.other")
    other = gql.as_(other_token)
    payload = (await other.data(EXPORT))["requestDataExport"]
    assert payload["errors"] == []
    assert payload["url"] == "/me/export.json"
    tables = payload["data"]["tables"]
    assert [u["username"] for u in tables["users"]] == ["demo.other"]
    assert [c["first_name"] for c in tables["children"]] == ["Léa"]
    assert "password_hash" not in tables["users"][0]

    download = await http.get("/me/export.json", headers={"Authorization": f"Bearer {other_token}"})
    assert download.status_code == 200
    assert download.json()["tables"]["children"] == tables["children"]
    assert (await http.get("/me/export.json")).status_code == 401

    parent_id = payload["data"]["tables"]["users"][0]["id"]
    global_id = to_global_id("User", parent_id)
    refused = (await other.data(ERASE, {"id": global_id}))["eraseFamily"]
    assert refused["errors"] == [{"code": "FORBIDDEN", "field": None}]

    staff = gql.as_(await token(gql, "demo.staff"))
    missing = (await staff.data(ERASE, {"id": to_global_id("User", 999_999)}))["eraseFamily"]
    assert missing["errors"] == [{"code": "NOT_FOUND", "field": "parentId"}]
    erased = (await staff.data(ERASE, {"id": global_id}))["eraseFamily"]
    assert erased["errors"] == []
    assert erased["erasedParentId"] == global_id
    assert len(erased["erasedChildIds"]) == 1

    # Sessions end at once; the old credentials no longer sign in.
    assert (
        await http.get("/me/export.json", headers={"Authorization": f"Bearer {other_token}"})
    ).status_code == 401
    gone = (await gql.data(LOGIN, {"u": "demo.other", "p": "demo-other-pass"}))["login"]
    assert gone["token"] is None
