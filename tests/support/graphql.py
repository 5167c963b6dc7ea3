"""A small GraphQL-over-HTTP client for tests, speaking to the ASGI app or a real server."""

from dataclasses import dataclass
from typing import Any

import httpx


class GraphQLErrors(AssertionError):
    pass


@dataclass
class GraphQL:
    http: httpx.AsyncClient
    token: str | None = None
    path: str = "/graphql"

    def as_(self, token: str | None) -> "GraphQL":
        return GraphQL(self.http, token, self.path)

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> httpx.Response:
        if self.token:
            headers.setdefault("authorization", f"Bearer {self.token}")
        return await self.http.post(
            self.path, json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        response = await self.raw(query, variables, **headers)
        assert response.status_code == 200, (response.status_code, response.text)
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        body = await self.execute(query, variables, **headers)
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        data: dict[str, Any] = body["data"]
        return data


def error_codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]
