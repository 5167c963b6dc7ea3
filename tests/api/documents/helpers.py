"""Shared steps of the document API tests: uploading, listing, downloading, what is stored."""

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from models.documents import Document, DocumentRead
from services.sql.runtime import Runtime
from tests.support.graphql import GraphQL

DOCUMENTS = """
query($id: ID!, $first: Int, $after: String, $unread: Boolean) {
  viewer { child(id: $id) {
    documents(first: $first, after: $after, unreadOnly: $unread) {
      edges { cursor node { id title date read kind downloadUrl fileName contentType sizeBytes } }
      pageInfo { hasNextPage endCursor }
    }
  } }
}"""
MARK_READ = """
mutation($id: ID!) { markDocumentRead(documentId: $id) {
  document { id title read } errors { code field message }
} }"""


async def upload(
    http: httpx.AsyncClient,
    token: str | None,
    data: bytes,
    name: str = "bulletin.pdf",
    content_type: str = "application/pdf",
    **fields: str,
) -> httpx.Response:
    form = {"title": "Bulletin", "date": "2026-11-02", "audience": "school", **fields}
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        "/documents", files={"file": (name, data, content_type)}, data=form, headers=headers
    )


async def documents_of(gql: GraphQL, child_gid: str, **variables: Any) -> dict[str, Any]:
    data = await gql.data(DOCUMENTS, {"id": child_gid, **variables})
    child = data["viewer"]["child"]
    assert child is not None
    connection: dict[str, Any] = child["documents"]
    return connection


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def download(http: httpx.AsyncClient, url: str, method: str = "GET") -> httpx.Response:
    """Streams the body, as a browser would."""
    async with http.stream(method, url) as response:
        await response.aread()
    return response


def stored_files(documents_dir: str) -> set[Path]:
    root = Path(documents_dir)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


async def row_counts(runtime: Runtime) -> tuple[int, int]:
    """(documents, read markers) in the database."""
    async with runtime.database.read() as session:
        documents = await session.scalar(select(func.count()).select_from(Document))
        reads = await session.scalar(select(func.count()).select_from(DocumentRead))
    return int(documents or 0), int(reads or 0)


def error_of(response: httpx.Response) -> tuple[int, str, str | None]:
    [error] = response.json()["errors"]
    assert error["message"]
    return response.status_code, error["code"], error["field"]
