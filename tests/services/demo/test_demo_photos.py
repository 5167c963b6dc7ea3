"""The demo school's photo campaign: open to every demo child, each with its own proof."""

import pytest

from models.db import Database
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.services.demo.test_demo import login
from tests.support.graphql import GraphQL

CAMPAIGNS = """{ viewer { children { firstName
  photoCampaigns { title articles { name price { cents } } proofs { title kind read } }
} } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def test_each_demo_family_sees_its_own_childrens_proofs(
    seeded: Settings, gql: GraphQL
) -> None:
    for username, password, expected in (
        ("demo.parent", "demo-parent-pass", {"Emma": "d'Emma", "Lucas": "de Lucas"}),
        ("demo.other", "demo-other-pass", {"Léa": "de Léa"}),
    ):
        parent = await login(gql, username, password)
        children = (await parent.data(CAMPAIGNS))["viewer"]["children"]
        assert {c["firstName"] for c in children} == set(expected)
        for child in children:
            [campaign] = child["photoCampaigns"]
            assert campaign["title"] == "Photos scolaires 2026"
            assert [a["price"]["cents"] for a in campaign["articles"]] == [900, 750, 600]
            title = f"Épreuve photo {expected[child['firstName']]}"
            assert campaign["proofs"] == [{"title": title, "kind": "photo_proof", "read": True}]
