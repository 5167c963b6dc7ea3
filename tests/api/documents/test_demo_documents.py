"""The demo school's documents and events: one unread real PDF per child, events ahead."""

import httpx
import pytest

from models.db import Database
from services.demo.documents import of
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.api.documents.helpers import documents_of, download, nodes
from tests.support.graphql import GraphQL

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
CHILDREN = (
    "{ viewer { children { id firstName upcomingEvents(limit: 10) { title kind className } } } }"
)


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def signed_in(gql: GraphQL, username: str, password: str) -> GraphQL:
    token = (await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"]
    assert token
    return gql.as_(token)


async def test_each_demo_child_has_one_unread_pdf(
    seeded: Settings, gql: GraphQL, http: httpx.AsyncClient
) -> None:
    for username, password, names in [
        ("demo.parent", "demo-parent-pass", {"Emma", "Lucas"}),
        ("demo.other", "demo-other-pass", {"Léa"}),
    ]:
        parent = await signed_in(gql, username, password)
        children = (await parent.data(CHILDREN))["viewer"]["children"]
        assert {c["firstName"] for c in children} == names
        for child in children:
            unread = nodes(await documents_of(parent, child["id"], unread=True))
            assert [d["title"] for d in unread] == [f"Bulletin {of(child['firstName'])}"]
            every = nodes(await documents_of(parent, child["id"]))
            assert len(every) >= 2
            opened = await download(http, unread[0]["downloadUrl"])
            assert opened.status_code == 200
            assert opened.content.startswith(b"%PDF-") and b"%%EOF" in opened.content[-32:]
            assert nodes(await documents_of(parent, child["id"], unread=True)) == []


async def test_demo_events_lie_ahead_and_class_trips_reach_their_class(
    seeded: Settings, gql: GraphQL
) -> None:
    parent = await signed_in(gql, "demo.parent", "demo-parent-pass")
    children = {c["firstName"]: c for c in (await parent.data(CHILDREN))["viewer"]["children"]}
    emma = [e["title"] for e in children["Emma"]["upcomingEvents"]]
    lucas = [e["title"] for e in children["Lucas"]["upcomingEvents"]]
    assert "Excursion au zoo" in emma  # class 3A
    assert "Excursion au zoo" not in lucas  # class 1B
    assert {"Journée sportive", "Congé pédagogique"} <= set(lucas)


def test_titles_elide_before_a_vowel() -> None:
    assert [of("Emma"), of("Lucas"), of("Léa")] == ["d'Emma", "de Lucas", "de Léa"]
