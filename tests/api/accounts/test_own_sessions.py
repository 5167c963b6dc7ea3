"""A user's own sessions and sign-ins, ending a session they do not recognise, and the language
they choose (setLocale)."""

from models.accounts import Role
from services.sql.uow import Transactions
from tests.api.accounts.test_accounts import LOGIN, gid, invite
from tests.factories import PASSWORD, make_school, make_user
from tests.support.graphql import GraphQL, error_codes

SESSIONS = """{ viewer { sessions { id current address userAgent createdAt lastSeenAt }
  signIns { address succeeded } } }"""
END = """mutation($id: ID!) { endSession(sessionId: $id) { ended errors { code field } } }"""
SET_LOCALE = """mutation($l: String!) { setLocale(locale: $l) {
  user { locale } errors { code field message } } }"""
WHO = "{ viewer { user { username locale } } }"


async def sign_in(gql: GraphQL, username: str, agent: str, password: str = PASSWORD) -> dict:
    payload: dict = (
        await gql.data(LOGIN, {"u": username, "p": password}, **{"user-agent": agent})
    )["login"]
    return payload


async def test_a_parent_sees_their_sessions_and_ends_the_one_they_do_not_recognise(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    parent = await make_user(tx, school)
    name = parent.user.username
    failed = await sign_in(gql, name, "Unknown/1.0", password="not-the-password")
    assert error_codes(failed) == ["INVALID_CREDENTIALS"]
    phone = (await sign_in(gql, name, "Phone/2.0"))["token"]
    laptop = (await sign_in(gql, name, "Laptop/3.0"))["token"]

    seen = (await gql.as_(phone).data(SESSIONS))["viewer"]
    agents = {s["userAgent"]: s for s in seen["sessions"]}
    assert {"Phone/2.0", "Laptop/3.0"} <= set(agents)
    assert agents["Phone/2.0"]["current"] and not agents["Laptop/3.0"]["current"]
    assert agents["Laptop/3.0"]["address"] == "203.0.113.7"  # the test client's address
    assert [s["succeeded"] for s in seen["signIns"][:3]] == [True, True, False]

    ended = (await gql.as_(phone).data(END, {"id": agents["Laptop/3.0"]["id"]}))["endSession"]
    assert ended == {"ended": True, "errors": []}
    assert (await gql.as_(laptop).data(WHO))["viewer"] is None  # signed out at once
    left = (await gql.as_(phone).data(SESSIONS))["viewer"]["sessions"]
    assert "Laptop/3.0" not in {s["userAgent"] for s in left}
    # Ended once: a second time it is gone, like any session that is not theirs.
    again = (await gql.as_(phone).data(END, {"id": agents["Laptop/3.0"]["id"]}))["endSession"]
    assert error_codes(again) == ["NOT_FOUND"]


async def test_another_users_session_is_not_found_and_stays_open(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    parent, other = await make_user(tx, school), await make_user(tx, school)
    theirs = (await gql.as_(other.token).data(SESSIONS))["viewer"]["sessions"]
    [their_session] = theirs
    answer = (await gql.as_(parent.token).data(END, {"id": their_session["id"]}))["endSession"]
    assert error_codes(answer) == ["NOT_FOUND"]
    assert (await gql.as_(other.token).data(WHO))["viewer"]["user"]["username"]
    staff = await make_user(tx, school, Role.STAFF)
    by_staff = (await gql.as_(staff.token).data(END, {"id": their_session["id"]}))["endSession"]
    assert error_codes(by_staff) == ["NOT_FOUND"]
    malformed = (await gql.as_(parent.token).data(END, {"id": gid("Child", 1)}))["endSession"]
    assert error_codes(malformed) == ["NOT_FOUND"]


async def test_set_locale_changes_the_language_of_the_next_messages(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    parent = await make_user(tx, school)
    me = gql.as_(parent.token)
    changed = (await me.data(SET_LOCALE, {"l": "nl"}))["setLocale"]
    assert changed == {"user": {"locale": "nl"}, "errors": []}
    assert (await me.data(WHO))["viewer"]["user"]["locale"] == "nl"
    wrong = (await me.data(SET_LOCALE, {"l": "de"}))["setLocale"]
    assert wrong["user"] is None
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [("INVALID_INPUT", "locale")]
    assert (
        wrong["errors"][0]["message"]
        != (
            (await gql.as_((await make_user(tx, school)).token).data(SET_LOCALE, {"l": "de"}))[
                "setLocale"
            ]["errors"][0]["message"]
        )
    )  # Dutch for this parent, French for a parent who never chose
    assert (await me.data(SET_LOCALE, {"l": "en"}))["setLocale"]["user"] == {"locale": "en"}


async def test_a_parent_is_invited_in_dutch(gql: GraphQL, tx: Transactions) -> None:
    _, _, payload = await invite(gql, tx, locale="nl")
    assert payload["errors"] == []


async def test_set_locale_needs_a_session(gql: GraphQL) -> None:
    body = await gql.execute(SET_LOCALE, {"l": "nl"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
