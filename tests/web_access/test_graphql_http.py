"""GraphQL over HTTP: application/graphql-response+json and its status codes when asked for;
application/json unchanged."""

import httpx
import pytest

from services.sql.uow import Transactions
from tests.factories import make_family, make_school
from web_access.graphql_http import GRAPHQL_RESPONSE, wants_graphql_response

ASK = {"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (GRAPHQL_RESPONSE, True),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", True),
        (f"application/json, {GRAPHQL_RESPONSE}", True),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", False),
        (f"{GRAPHQL_RESPONSE};q=0", False),
        ("application/json", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_accept_negotiation(accept: str | None, wanted: bool) -> None:
    assert wants_graphql_response(accept) is wanted


async def test_a_result_is_200_with_the_graphql_response_media_type(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { user { username } } }"},
        headers={**ASK, "authorization": f"Bearer {family.parent.token}"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == {
        "data": {"viewer": {"user": {"username": family.parent.user.username}}}
    }


async def test_a_field_error_is_200_with_its_data_entry(http: httpx.AsyncClient) -> None:
    # Execution started: even a null `data` (a non-null root field failed) is 2xx.
    response = await http.post(
        "/graphql", json={"query": "{ walletSettings { walletCount } }"}, headers=ASK
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["walletSettings"]
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "query",
    ["{ viewer { ", "{ viewer { nickname } }", "query($x: Int!) { viewer { user { id } } }"],
    ids=["parse", "validation", "missing-variable"],
)
async def test_request_errors_are_400_without_data(http: httpx.AsyncClient, query: str) -> None:
    response = await http.post("/graphql", json={"query": query}, headers=ASK)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert body["errors"]


async def test_plain_json_keeps_the_legacy_200(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { nickname } }"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None


async def test_a_mutation_by_get_is_405(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "mutation { logout }"}, headers=ASK)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["message"].startswith("mutations are not allowed")


async def test_a_body_that_is_not_json_is_415(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql",
        content="query=%7B%7D",
        headers={**ASK, "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json() == {"errors": [{"message": "Unsupported content type"}]}


async def test_unparsable_json_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", content="{not json", headers={**ASK, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
