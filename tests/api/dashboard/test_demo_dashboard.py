"""The demo parent's dashboard has something to show in every list, for each child."""

import pytest

from models.db import Database
from services.demo.documents import of
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.api.dashboard.queries import ALL_CHILDREN
from tests.support.graphql import GraphQL

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def test_every_module_of_the_demo_parents_dashboard_shows_something(
    seeded: Settings, gql: GraphQL
) -> None:
    token = (await gql.data(LOGIN, {"u": "demo.parent", "p": "demo-parent-pass"}))["login"]
    children = (await gql.as_(token["token"]).data(ALL_CHILDREN))["viewer"]["children"]
    assert [c["firstName"] for c in children] == ["Emma", "Lucas"]
    for child in children:
        dashboard = child["dashboard"]
        assert dashboard["modules"] == [
            "balances", "operations", "sales", "documents", "events", "meals", "meetings",
            "photos",
        ]  # fmt: skip
        assert [(w["name"], w["balance"]["cents"]) for w in dashboard["wallets"]] == [
            ("Repas", 5000),
            ("Activités", 2000),
        ]
        events = [(e["title"], e["kind"]) for e in dashboard["upcomingEvents"]]
        trip = [("Excursion au zoo", "trip")] if child["firstName"] == "Emma" else []
        # The demo's clock is Monday 2 November 2026: Tuesday's meal comes first.
        assert events == [
            ("Repas chaud", "meal"),
            ("Journée sportive", "activity"),
            *trip,
            ("Réunion de parents", "meeting"),
            ("Congé pédagogique", "holiday"),
            *([] if trip else [("Spectacle de fin de trimestre", "activity")]),
        ]
        meeting = next(e["meeting"] for e in dashboard["upcomingEvents"] if e["meeting"])
        assert [t["displayName"] for t in meeting["teachers"]] == [
            "Claire Lambert",
            "Marc Peeters",
            "Sofia Rossi",
        ]
        assert [d["title"] for d in dashboard["unreadDocuments"]] == [
            f"Bulletin {of(child['firstName'])}"
        ]
        assert [(o["type"], o["label"]) for o in dashboard["recentOperations"]] == [
            ("MEAL", "Repas du 04/11/2026 : Potage"),
            ("MEAL", "Repas du 03/11/2026 : Repas chaud"),
            ("PURCHASE", "Boutique de l'école : Cahier A4"),
            ("MEAL", "Repas du 30/10/2026 : Repas chaud"),
            ("PURCHASE", "Distributeur du préau : Jus d'orange ×2"),
        ]
        assert [s["article"] for s in dashboard["recentSales"]] == [
            "Cahier A4",
            "Jus d'orange",
            "Potage du jour",
        ]
