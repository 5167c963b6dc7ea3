"""The demo school: seeded once into an empty database, exactly as the README says."""

import pytest

from models.db import Database
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.support.graphql import GraphQL

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code } } }"""
CHILDREN = "{ viewer { user { displayName email } school { name timezone bankAccount { iban } features { meals meetings photos } } children { id firstName lastName } } }"


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    demo_settings = settings.model_copy(update={"demo_families": 3})
    assert await seed_if_empty(demo_settings) is True
    assert await seed_if_empty(demo_settings) is False  # never twice
    return demo_settings


async def login(gql: GraphQL, username: str, password: str) -> GraphQL:
    payload = (await gql.data(LOGIN, {"u": username, "p": password}))["login"]
    assert payload["errors"] == [], payload
    return gql.as_(payload["token"])


async def test_demo_parent_sees_two_children_and_nothing_of_the_other_family(
    seeded: Settings, gql: GraphQL
) -> None:
    parent = await login(gql, "demo.parent", "demo-parent-pass")
    viewer = (await parent.data(CHILDREN))["viewer"]
    assert viewer["user"] == {"displayName": "Marie Dupont", "email": "demo.parent@example.org"}
    assert viewer["school"]["name"] == "École Démo"
    assert viewer["school"]["timezone"] == "Europe/Brussels"
    assert viewer["school"]["bankAccount"]["iban"] == "BE71096123456769"
    assert viewer["school"]["features"] == {"meals": True, "meetings": True, "photos": True}
    assert sorted(c["firstName"] for c in viewer["children"]) == ["Emma", "Lucas"]

    other = await login(gql, "demo.other", "demo-other-pass")
    [lea] = (await other.data(CHILDREN))["viewer"]["children"]
    assert lea["firstName"] == "Léa"
    peek = await parent.data(
        "query($id: ID!) { viewer { child(id: $id) { id } } }", {"id": lea["id"]}
    )
    assert peek == {"viewer": {"child": None}}


async def test_demo_staff_and_load_test_families_sign_in(seeded: Settings, gql: GraphQL) -> None:
    await login(gql, "demo.staff", "demo-staff-pass")
    for n in (1, 3):
        family = await login(gql, f"demo.family{n}", "demo-family-pass")
        children = (await family.data(CHILDREN))["viewer"]["children"]
        assert len(children) == 1


@pytest.mark.parametrize(
    ("username", "locale", "child", "wrong_password"),
    [
        ("demo.parent", "fr", None, "Nom d'utilisateur ou mot de passe incorrect."),
        ("demo.ouder", "nl", "Lotte", "Gebruikersnaam of wachtwoord onjuist."),
        ("demo.guardian", "en", "Oliver", "Wrong username or password."),
    ],
)
async def test_a_demo_parent_per_language(
    seeded: Settings,
    gql: GraphQL,
    username: str,
    locale: str,
    child: str | None,
    wrong_password: str,
) -> None:
    parent = await login(gql, username, f"{username.replace('.', '-')}-pass")
    viewer = (await parent.data("{ viewer { user { locale } children { firstName } } }"))["viewer"]
    assert viewer["user"]["locale"] == locale
    if child is not None:
        assert viewer["children"] == [{"firstName": child}]
    change = """mutation { changePassword(currentPassword: "wrong", newPassword: "x") {
      errors { message } } }"""
    errors = (await parent.data(change))["changePassword"]["errors"]
    assert errors == [{"message": wrong_password}]


async def test_demo_christmas_holidays_are_closed(seeded: Settings, gql: GraphQL) -> None:
    from datetime import UTC, date, datetime

    from services.demo.meals import winter_holidays

    first, last = winter_holidays(datetime.now(UTC).date())
    christmas = date(first.year, 12, 25)
    parent = await login(gql, "demo.parent", "demo-parent-pass")
    child_id = (await parent.data(CHILDREN))["viewer"]["children"][0]["id"]
    month = await parent.data(
        "query($id: ID!, $m: String!) { viewer { child(id: $id) {"
        " mealCalendar(month: $m) { days { date bookable articles { name } } } } } }",
        {"id": child_id, "m": f"{christmas.year}-12"},
    )
    days = month["viewer"]["child"]["mealCalendar"]["days"]
    [noel] = [d for d in days if d["date"] == christmas.isoformat()]
    assert (noel["bookable"], noel["articles"]) == (False, [])
    closed = await parent.data(
        "query($f: Date!, $t: Date!) { closedDays(from: $f, to: $t) }",
        {"f": first.isoformat(), "t": last.isoformat()},
    )
    today = datetime.now(UTC).date()
    open_days = [d for d in closed["closedDays"] if date.fromisoformat(d).weekday() >= 5]
    assert open_days == []
    if today <= christmas:
        assert christmas.isoformat() in closed["closedDays"] or christmas.weekday() >= 5
