"""Fields that load the same key share one future: when graphql-core cancels the siblings of a
field that failed, the other fields still get their value (found by the differential test: the
CancelledError ended the whole request, on both paths)."""

import httpx
import pytest

# The node's failing field cancels its pending sibling `appointments`, which loads the same
# child's appointments as viewer.child's.
QUERY = """{ node(id: "Q2hpbGQ6MQ") { ... on Child { mealCalendar(month: "") { month }
  appointments { status } } } viewer { child(id: "Q2hpbGQ6MQ") { appointments { status } } } }"""


@pytest.mark.parametrize("path", ["fast", "stock"])
async def test_a_failed_field_does_not_cancel_what_another_field_loads(
    path: str,
    http: httpx.AsyncClient,
    stock_http: httpx.AsyncClient,
    demo: tuple[dict[str, str], list[str]],
) -> None:
    tokens, _ = demo
    client = http if path == "fast" else stock_http
    headers = {"authorization": f"Bearer {tokens['parent']}"}
    for _ in range(3):
        answer = (await client.post("/graphql", json={"query": QUERY}, headers=headers)).json()
        assert answer["data"] == {"node": None, "viewer": {"child": {"appointments": []}}}
        assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
            (["node", "mealCalendar"], "INVALID_INPUT")
        ]
