"""Accounts through the public API: invitation, activation, sign-in, throttling, passwords, resets."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.accounts import Role, Session
from services.accounts.tokens import digest
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import PASSWORD, make_child, make_family, make_school, make_user, unique
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.mail import mails_to, text_of, token_in

INVITE = """
mutation($u: String!, $e: String!, $n: String!, $c: [ID!]!, $l: String! = "fr") {
  inviteParent(username: $u, email: $e, displayName: $n, childIds: $c, locale: $l) {
    user { id username email role } errors { code field message }
  }
}"""
ACTIVATE = """
mutation($t: String!, $p: String!) {
  activateAccount(token: $t, password: $p) { token user { username } errors { code field message } }
}"""
LOGIN = """
mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token user { username role } errors { code message } }
}"""
VIEWER = "{ viewer { user { username } school { name } children { id firstName } } }"
NEW_PASSWORD = "a-long-and-unusual-passphrase"


def gid(type_name: str, db_id: int | None) -> str:
    from schema.ids import to_global_id

    assert db_id is not None
    return to_global_id(type_name, db_id)


async def invite(gql: GraphQL, tx: Transactions, locale: str = "fr") -> tuple[str, str, dict]:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    child = await make_child(tx, school)
    username, address = unique("parent."), f"{unique('p')}@example.org"
    payload = (
        await gql.as_(staff.token).data(
            INVITE,
            {
                "u": username,
                "e": address,
                "n": "Ana Parent",
                "c": [gid("Child", child.id)],
                "l": locale,
            },
        )
    )["inviteParent"]
    return username, address, payload


async def test_invited_parent_activates_and_sees_their_child(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    username, address, payload = await invite(gql, tx)
    assert payload["errors"] == []
    assert payload["user"]["role"] == "PARENT"
    [mail] = await mails_to(runtime, address)
    body = text_of(mail)
    assert username in body
    assert "http://cartable.test/activate?token=" in body
    token = token_in(mail)

    activated = (await gql.data(ACTIVATE, {"t": token, "p": NEW_PASSWORD}))["activateAccount"]
    assert activated["errors"] == []
    assert activated["user"]["username"] == username
    viewer = (await gql.as_(activated["token"]).data(VIEWER))["viewer"]
    assert viewer["user"]["username"] == username
    assert len(viewer["children"]) == 1

    again = (await gql.data(ACTIVATE, {"t": token, "p": NEW_PASSWORD}))["activateAccount"]
    assert error_codes(again) == ["INVALID_TOKEN"]
    login = (await gql.data(LOGIN, {"u": username, "p": NEW_PASSWORD}))["login"]
    assert login["errors"] == [] and login["token"]


async def test_invitation_mail_follows_the_locale(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    _, address, _ = await invite(gql, tx, locale="en")
    [mail] = await mails_to(runtime, address)
    assert "password" in text_of(mail).lower()
    _, address_fr, _ = await invite(gql, tx, locale="fr")
    [mail_fr] = await mails_to(runtime, address_fr)
    assert "mot de passe" in text_of(mail_fr).lower()


async def test_only_staff_invite(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    payload = (
        await gql.as_(family.parent.token).data(
            INVITE,
            {
                "u": unique("x"),
                "e": "x@example.org",
                "n": "X",
                "c": [gid("Child", family.child.id)],
            },
        )
    )["inviteParent"]
    assert error_codes(payload) == ["FORBIDDEN"]


async def test_invite_refuses_bad_input_and_other_schools_children(
    gql: GraphQL, tx: Transactions
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    foreign = await make_child(tx, elsewhere)
    mine = await make_child(tx, school)
    as_staff = gql.as_(staff.token)

    async def codes(**values: object) -> list[tuple[str, str | None]]:
        variables: dict[str, object] = {
            "u": unique("p."),
            "e": "ok@example.org",
            "n": "Name",
            "c": [gid("Child", mine.id)],
        }
        variables.update(values)
        payload = (await as_staff.data(INVITE, variables))["inviteParent"]
        return [(e["code"], e["field"]) for e in payload["errors"]]

    assert await codes(e="not-an-address") == [("INVALID_INPUT", "email")]
    assert await codes(c=[gid("Child", foreign.id)]) == [("NOT_FOUND", "childIds")]
    assert await codes(c=["garbage"]) == [("NOT_FOUND", "childIds")]
    assert await codes(n="  ") == [("INVALID_INPUT", "displayName")]
    taken = unique("p.")
    assert await codes(u=taken) == []
    assert await codes(u=taken) == [("ALREADY_EXISTS", "username")]


async def test_token_lifetime_is_fourteen_days(
    gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    start = clock()
    try:
        _, first_address, _ = await invite(gql, tx)
        _, second_address, _ = await invite(gql, tx)
        first = token_in((await mails_to(runtime, first_address))[0])
        second = token_in((await mails_to(runtime, second_address))[0])
        clock.set(start + timedelta(days=14) - timedelta(seconds=1))
        ok = (await gql.data(ACTIVATE, {"t": first, "p": NEW_PASSWORD}))["activateAccount"]
        assert ok["errors"] == []
        clock.set(start + timedelta(days=14) + timedelta(seconds=1))
        late = (await gql.data(ACTIVATE, {"t": second, "p": NEW_PASSWORD}))["activateAccount"]
        assert error_codes(late) == ["TOKEN_EXPIRED"]
    finally:
        clock.set(start)


async def test_activation_errors(gql: GraphQL, tx: Transactions, runtime: Runtime) -> None:
    _, address, _ = await invite(gql, tx)
    token = token_in((await mails_to(runtime, address))[0])
    unknown = (await gql.data(ACTIVATE, {"t": "nope", "p": NEW_PASSWORD}))["activateAccount"]
    assert error_codes(unknown) == ["INVALID_TOKEN"]
    short = (await gql.data(ACTIVATE, {"t": token, "p": "short"}))["activateAccount"]
    assert [(e["code"], e["field"]) for e in short["errors"]] == [("WEAK_PASSWORD", "password")]
    common = (await gql.data(ACTIVATE, {"t": token, "p": "1234567890"}))["activateAccount"]
    assert error_codes(common) == ["WEAK_PASSWORD"]
    also_common = (await gql.data(ACTIVATE, {"t": token, "p": "motdepasse123"}))["activateAccount"]
    assert error_codes(also_common) in (["WEAK_PASSWORD"], [])
    # A refused password does not use the token up.
    if not also_common["errors"]:
        return
    ok = (await gql.data(ACTIVATE, {"t": token, "p": NEW_PASSWORD}))["activateAccount"]
    assert ok["errors"] == []


async def test_a_new_token_revokes_the_older_one(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    _, address, _ = await invite(gql, tx)
    invitation = token_in((await mails_to(runtime, address))[0])
    assert (
        await gql.data(
            "mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }",
            {"e": address},
        )
    )["requestPasswordReset"] == {"ok": True, "errors": []}
    mails = await mails_to(runtime, address)
    assert len(mails) == 2
    reset = token_in(mails[1])
    old = (await gql.data(ACTIVATE, {"t": invitation, "p": NEW_PASSWORD}))["activateAccount"]
    assert error_codes(old) == ["INVALID_TOKEN"]
    new = (await gql.data(ACTIVATE, {"t": reset, "p": NEW_PASSWORD}))["activateAccount"]
    assert new["errors"] == []


RESET = "mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }"


async def test_reset_answers_the_same_for_unknown_addresses(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    known = await gql.execute(RESET, {"e": family.parent.user.email})
    unknown = await gql.execute(RESET, {"e": "nobody-here@example.org"})
    malformed = await gql.execute(RESET, {"e": "not an address"})
    assert (
        known
        == unknown
        == malformed
        == {"data": {"requestPasswordReset": {"ok": True, "errors": []}}}
    )
    assert await mails_to(runtime, "nobody-here@example.org") == []
    [mail] = await mails_to(runtime, family.parent.user.email)
    assert family.parent.user.username in text_of(mail)  # "username forgotten" is served too


async def test_login_logout_and_protected_fields(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    login = (await gql.data(LOGIN, {"u": family.parent.user.username, "p": PASSWORD}))["login"]
    assert login["errors"] == [] and login["user"]["role"] == "PARENT"
    token = login["token"]
    assert len(token) >= 22  # >= 128 bits, url-safe base64
    me = gql.as_(token)
    assert len((await me.data(VIEWER))["viewer"]["children"]) == 2
    assert (await me.data("mutation { logout }"))["logout"] is True
    assert (await me.data(VIEWER))["viewer"] is None
    refused = await me.execute("mutation { logout }")
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql.data(VIEWER))["viewer"] is None


async def test_sessions_are_stored_hashed(tx: Transactions, runtime: Runtime) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    async with runtime.database.read() as session:
        stored = (
            await session.scalars(
                select(col(Session.token_hash)).where(col(Session.user_id) == family.parent.id)
            )
        ).all()
    assert family.parent.token not in stored
    assert digest(family.parent.token) in stored


async def test_wrong_passwords_and_unknown_users_answer_alike(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    wrong = (await gql.data(LOGIN, {"u": family.parent.user.username, "p": "wrong-password-123"}))[
        "login"
    ]
    unknown = (await gql.data(LOGIN, {"u": unique("ghost"), "p": "wrong-password-123"}))["login"]
    assert error_codes(wrong) == error_codes(unknown) == ["INVALID_CREDENTIALS"]
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert wrong["token"] is None


async def test_repeated_failures_are_throttled_and_the_mailed_token_recovers(
    gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    name = family.parent.user.username
    codes = []
    for _ in range(7):
        codes.append(
            error_codes((await gql.data(LOGIN, {"u": name, "p": "nope-nope-nope"}))["login"])
        )
    assert codes[:5] == [["INVALID_CREDENTIALS"]] * 5
    assert ["RATE_LIMITED"] in codes[5:]
    # Even the right password waits while the delay runs.
    limited = (await gql.data(LOGIN, {"u": name, "p": PASSWORD}))["login"]
    assert error_codes(limited) == ["RATE_LIMITED"]
    assert "secondes" in limited["errors"][0]["message"]
    # The delay grows with each further failure.
    clock.advance(seconds=2)
    assert error_codes((await gql.data(LOGIN, {"u": name, "p": "nope-nope-nope"}))["login"]) == [
        "INVALID_CREDENTIALS"
    ]
    clock.advance(seconds=1)  # now 2 s are due after the sixth failure
    assert error_codes((await gql.data(LOGIN, {"u": name, "p": PASSWORD}))["login"]) == [
        "RATE_LIMITED"
    ]
    # Recovery through the mailed token works at once and clears the account's delay.
    await gql.data(RESET, {"e": family.parent.user.email})
    token = token_in((await mails_to(runtime, family.parent.user.email))[-1])
    assert (await gql.data(ACTIVATE, {"t": token, "p": NEW_PASSWORD}))["activateAccount"][
        "errors"
    ] == []
    assert (await gql.data(LOGIN, {"u": name, "p": NEW_PASSWORD}))["login"]["errors"] == []


async def test_one_address_failing_on_many_accounts_is_throttled(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    victim = await make_family(tx, school)
    clock.advance(hours=25)  # outside the window of earlier tests from this client address
    for _ in range(20):
        payload = (
            await gql.data(
                LOGIN, {"u": unique("spray"), "p": "guess-guess-guess"}, **{"x-test": "1"}
            )
        )["login"]
        assert error_codes(payload) == ["INVALID_CREDENTIALS"]
    blocked = (await gql.data(LOGIN, {"u": victim.parent.user.username, "p": PASSWORD}))["login"]
    assert error_codes(blocked) == ["RATE_LIMITED"]
    clock.advance(hours=25)
    assert (await gql.data(LOGIN, {"u": victim.parent.user.username, "p": PASSWORD}))["login"][
        "errors"
    ] == []


CHANGE = """
mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) { token user { username } errors { code field } }
}"""


async def test_change_password_ends_every_other_session(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    name = family.parent.user.username
    other = (await gql.data(LOGIN, {"u": name, "p": PASSWORD}))["login"]["token"]
    me = gql.as_(family.parent.token)
    wrong = (await me.data(CHANGE, {"c": "not-my-password", "n": NEW_PASSWORD}))["changePassword"]
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [
        ("INVALID_CREDENTIALS", "currentPassword")
    ]
    weak = (await me.data(CHANGE, {"c": PASSWORD, "n": "password1"}))["changePassword"]
    assert [(e["code"], e["field"]) for e in weak["errors"]] == [("WEAK_PASSWORD", "newPassword")]
    done = (await me.data(CHANGE, {"c": PASSWORD, "n": NEW_PASSWORD}))["changePassword"]
    assert done["errors"] == [] and done["token"] == family.parent.token
    assert (await me.data(VIEWER))["viewer"]["user"]["username"] == name
    assert (await gql.as_(other).data(VIEWER))["viewer"] is None
    assert error_codes((await gql.data(LOGIN, {"u": name, "p": PASSWORD}))["login"]) == [
        "INVALID_CREDENTIALS"
    ]
    assert (await gql.data(LOGIN, {"u": name, "p": NEW_PASSWORD}))["login"]["errors"] == []


async def test_sessions_expire_when_idle_and_absolutely(
    gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    settings = runtime.settings
    school = await make_school(tx)
    family = await make_family(tx, school)
    me = gql.as_(family.parent.token)
    # Kept alive by use, a session still ends at its absolute expiry.
    step = timedelta(minutes=settings.session_idle_minutes) - timedelta(minutes=5)
    elapsed = timedelta(0)
    while elapsed + step < timedelta(days=settings.session_absolute_days):
        clock.advance(step)
        elapsed += step
        assert (await me.data(VIEWER))["viewer"] is not None
    clock.advance(step)
    assert (await me.data(VIEWER))["viewer"] is None
    # Left idle, a fresh session ends after the idle limit.
    idle = await make_user(tx, school)
    clock.advance(minutes=settings.session_idle_minutes + 1)
    assert (await gql.as_(idle.token).data(VIEWER))["viewer"] is None


async def test_parents_reach_only_their_own_children(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    mine = await make_family(tx, school, children=2)
    theirs = await make_family(tx, school)
    me = gql.as_(mine.parent.token)
    query = "query($id: ID!) { viewer { child(id: $id) { firstName } } node(id: $id) { id } }"
    own = await me.data(query, {"id": gid("Child", mine.child.id)})
    assert own["viewer"]["child"]["firstName"] == mine.child.first_name
    assert own["node"]["id"] == gid("Child", mine.child.id)
    other = await me.data(query, {"id": gid("Child", theirs.child.id)})
    missing = await me.data(query, {"id": gid("Child", 987654)})
    garbage = await me.data(query, {"id": "%%%"})
    assert other == missing == garbage == {"viewer": {"child": None}, "node": None}
    theirs_user = await me.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("User", theirs.parent.id)}
    )
    assert theirs_user == {"node": None}


@pytest.mark.parametrize("query", ['{ node(id: "x") { id } }', "mutation { logout }"])
async def test_protected_fields_need_a_session(gql: GraphQL, query: str) -> None:
    body = await gql.execute(query)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_raced_by_five_requests_is_used_once(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    _, address, _ = await invite(gql, tx)
    token = token_in((await mails_to(runtime, address))[0])
    answers = await asyncio.gather(
        *(gql.data(ACTIVATE, {"t": token, "p": NEW_PASSWORD}) for _ in range(5))
    )
    codes = sorted(error_codes(a["activateAccount"]) for a in answers)
    assert codes == [[]] + [["INVALID_TOKEN"]] * 4
