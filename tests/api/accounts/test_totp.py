"""Two-factor sign-in through the API, on both databases, with codes computed by pyotp at the
test clock's time: enrolment, the second step of `login`, replay, the throttle, recovery codes,
turning it off, and the school's rule for staff."""

import asyncio
from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select
from sqlmodel import col

from models.accounts import Role
from models.audit import AuditEntry
from services.sql.uow import Transactions
from tests.factories import PASSWORD, make_school, make_user
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  token ticket totpRequired totpEnrolmentRequired user { username } errors { code field message } } }"""
COMPLETE = """mutation($t: String!, $c: String!) { completeLogin(ticket: $t, code: $c) {
  token user { username } errors { code field message } } }"""
START = """mutation($t: String) { startTotpEnrolment(ticket: $t) {
  secret uri qrCode errors { code field message } } }"""
CONFIRM = """mutation($c: String!, $t: String) { confirmTotpEnrolment(code: $c, ticket: $t) {
  recoveryCodes token user { username } errors { code field message } } }"""
DISABLE = """mutation($c: String!) { disableTotp(code: $c) { disabled errors { code field } } }"""
REQUIRE = """mutation($r: Boolean!) { setTotpRequiredForStaff(required: $r) {
  totpRequiredForStaff errors { code } } }"""
VIEWER = "{ viewer { user { username } } }"


def code_at(secret: str, clock: FakeClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock() + timedelta(seconds=30 * steps))


def not_the_code(secret: str, clock: FakeClock) -> str:
    """A well-formed code valid in none of the accepted steps."""
    valid = {code_at(secret, clock, steps) for steps in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in valid)


def fresh_step(clock: FakeClock) -> None:
    """A new 30 s step, and far enough that earlier tests' failures have left the window."""
    clock.advance(days=2)


async def enrol(gql: GraphQL, clock: FakeClock, token: str) -> tuple[str, list[str]]:
    started = (await gql.as_(token).data(START))["startTotpEnrolment"]
    assert started["errors"] == []
    secret = started["secret"]
    confirmed = (await gql.as_(token).data(CONFIRM, {"c": code_at(secret, clock)}))[
        "confirmTotpEnrolment"
    ]
    assert confirmed["errors"] == []
    return secret, confirmed["recoveryCodes"]


async def password_step(gql: GraphQL, username: str) -> dict[str, Any]:
    answer: dict[str, Any] = (await gql.data(LOGIN, {"u": username, "p": PASSWORD}))["login"]
    return answer


async def test_a_teacher_enrols_and_then_signs_in_with_a_code(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    teacher = await make_user(tx, school, Role.TEACHER)
    started = (await gql.as_(teacher.token).data(START))["startTotpEnrolment"]
    assert started["uri"].startswith("otpauth://totp/")
    assert f"secret={started['secret']}" in started["uri"]
    assert started["qrCode"].startswith("data:image/svg+xml")
    # Not active until confirmed: the password alone still signs in.
    assert (await password_step(gql, teacher.user.username))["token"]
    wrong = (
        await gql.as_(teacher.token).data(CONFIRM, {"c": not_the_code(started["secret"], clock)})
    )["confirmTotpEnrolment"]
    assert error_codes(wrong) == ["INVALID_CREDENTIALS"] and wrong["recoveryCodes"] == []
    confirmed = (
        await gql.as_(teacher.token).data(CONFIRM, {"c": code_at(started["secret"], clock)})
    )["confirmTotpEnrolment"]
    assert confirmed["errors"] == []
    assert len(confirmed["recoveryCodes"]) == 10 and len(set(confirmed["recoveryCodes"])) == 10
    # A second enrolment is refused while one is active.
    again = (await gql.as_(teacher.token).data(START))["startTotpEnrolment"]
    assert error_codes(again) == ["ALREADY_EXISTS"]

    clock.advance(seconds=30)
    first = await password_step(gql, teacher.user.username)
    assert first["token"] is None and first["user"] is None
    assert first["totpRequired"] is True and first["totpEnrolmentRequired"] is False
    done = (
        await gql.data(COMPLETE, {"t": first["ticket"], "c": code_at(started["secret"], clock)})
    )["completeLogin"]
    assert done["errors"] == [] and done["user"]["username"] == teacher.user.username
    viewer = await gql.as_(done["token"]).data(VIEWER)
    assert viewer["viewer"]["user"]["username"] == teacher.user.username
    # The ticket is spent.
    reused = (
        await gql.data(COMPLETE, {"t": first["ticket"], "c": code_at(started["secret"], clock, 1)})
    )["completeLogin"]
    assert error_codes(reused) == ["INVALID_TOKEN"]

    # Recorded in the audit trail, the secret never copied into it.
    async def trail(session: Any) -> list[AuditEntry]:
        rows = await session.scalars(
            select(AuditEntry).where(col(AuditEntry.user_id) == teacher.user.id)
        )
        return list(rows.all())

    entries = await tx.read(trail)
    assert "confirmTotpEnrolment" in {e.action for e in entries}
    assert all(started["secret"] not in str(e.details) for e in entries)


async def test_a_code_is_refused_when_replayed_in_its_step(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    secret, _ = await enrol(gql, clock, staff.token)
    clock.advance(seconds=30)
    code = code_at(secret, clock)
    ticket = (await password_step(gql, staff.user.username))["ticket"]
    assert (await gql.data(COMPLETE, {"t": ticket, "c": code}))["completeLogin"]["token"]
    clock.advance(seconds=5)  # same step
    ticket = (await password_step(gql, staff.user.username))["ticket"]
    replayed = (await gql.data(COMPLETE, {"t": ticket, "c": code}))["completeLogin"]
    assert error_codes(replayed) == ["INVALID_CREDENTIALS"] and replayed["token"] is None
    # The next step's code works with the same ticket (the refusal did not spend it).
    clock.advance(seconds=30)
    later = await gql.data(COMPLETE, {"t": ticket, "c": code_at(secret, clock)})
    assert later["completeLogin"]["token"]


async def test_wrong_codes_are_counted_by_the_sign_in_throttle(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    parent = await make_user(tx, school)  # parents may enable it too
    secret, _ = await enrol(gql, clock, parent.token)
    clock.advance(seconds=30)
    ticket = (await password_step(gql, parent.user.username))["ticket"]
    answers = []
    valid = {code_at(secret, clock, steps) for steps in (-1, 0, 1)}
    guesses = [c for c in (f"{n:06d}" for n in range(100)) if c not in valid][:7]
    for guess in guesses:
        answers.append(
            error_codes((await gql.data(COMPLETE, {"t": ticket, "c": guess}))["completeLogin"])
        )
    assert answers[:5] == [["INVALID_CREDENTIALS"]] * 5
    assert ["RATE_LIMITED"] in answers[5:]
    # The right code waits too, and so does the password (the same account's count).
    right = await gql.data(COMPLETE, {"t": ticket, "c": code_at(secret, clock)})
    assert error_codes(right["completeLogin"]) == ["RATE_LIMITED"]
    assert error_codes(await password_step(gql, parent.user.username)) == ["RATE_LIMITED"]
    # Once the delay has run, the right code signs in.
    clock.advance(seconds=5)
    done = await gql.data(COMPLETE, {"t": ticket, "c": code_at(secret, clock)})
    assert done["completeLogin"]["errors"] == [] and done["completeLogin"]["token"]


async def test_a_recovery_code_signs_in_once(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    _, recovery = await enrol(gql, clock, staff.token)
    ticket = (await password_step(gql, staff.user.username))["ticket"]
    # Typed in lower case, with spaces: still the same code.
    typed = recovery[0].lower().replace("-", " ")
    done = (await gql.data(COMPLETE, {"t": ticket, "c": typed}))["completeLogin"]
    assert done["errors"] == [] and done["token"]
    left = "{ viewer { totpEnabled recoveryCodesLeft } }"
    assert (await gql.as_(done["token"]).data(left))["viewer"] == {
        "totpEnabled": True,
        "recoveryCodesLeft": 9,
    }
    ticket = (await password_step(gql, staff.user.username))["ticket"]
    again = (await gql.data(COMPLETE, {"t": ticket, "c": recovery[0]}))["completeLogin"]
    assert error_codes(again) == ["INVALID_CREDENTIALS"]
    other = (await gql.data(COMPLETE, {"t": ticket, "c": recovery[1]}))["completeLogin"]
    assert other["errors"] == []

    async def recorded(session: Any) -> list[AuditEntry]:
        rows = await session.scalars(
            select(AuditEntry).where(
                col(AuditEntry.user_id) == staff.user.id,
                col(AuditEntry.action) == "signedInWithRecoveryCode",
            )
        )
        return list(rows.all())

    entries = await tx.read(recorded)
    assert len(entries) == 2 and all(recovery[0] not in str(e.details) for e in entries)


async def test_turning_it_off_needs_a_code(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    parent = await make_user(tx, school)
    secret, _ = await enrol(gql, clock, parent.token)
    clock.advance(seconds=30)
    wrong = await gql.as_(parent.token).data(DISABLE, {"c": not_the_code(secret, clock)})
    assert error_codes(wrong["disableTotp"]) == ["INVALID_CREDENTIALS"]
    assert wrong["disableTotp"]["disabled"] is False
    assert (await password_step(gql, parent.user.username))["totpRequired"] is True
    off = await gql.as_(parent.token).data(DISABLE, {"c": code_at(secret, clock)})
    assert off["disableTotp"]["disabled"] is True
    # The password alone signs in again.
    assert (await password_step(gql, parent.user.username))["token"]
    state = "{ viewer { totpEnabled recoveryCodesLeft } }"
    assert (await gql.as_(parent.token).data(state))["viewer"] == {
        "totpEnabled": False,
        "recoveryCodesLeft": 0,
    }


async def test_the_school_requires_it_for_staff_who_enrol_while_signing_in(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    teacher = await make_user(tx, school, Role.TEACHER)
    parent = await make_user(tx, school)
    refused = (await gql.as_(parent.token).data(REQUIRE, {"r": True}))["setTotpRequiredForStaff"]
    assert error_codes(refused) == ["FORBIDDEN"]
    answer = (await gql.as_(staff.token).data(REQUIRE, {"r": True}))["setTotpRequiredForStaff"]
    assert answer == {"totpRequiredForStaff": True, "errors": []}
    # Parents are not concerned.
    assert (await password_step(gql, parent.user.username))["token"]
    first = await password_step(gql, teacher.user.username)
    assert first["token"] is None and first["totpEnrolmentRequired"] is True
    # The ticket is no session.
    assert await gql.as_(first["ticket"]).data(VIEWER) == {"viewer": None}
    # A wrong ticket is refused.
    bad = (await gql.data(START, {"t": "not-a-ticket"}))["startTotpEnrolment"]
    assert error_codes(bad) == ["INVALID_TOKEN"]
    started = (await gql.data(START, {"t": first["ticket"]}))["startTotpEnrolment"]
    assert started["errors"] == []
    wrong = await gql.data(CONFIRM, {"t": first["ticket"], "c": "12345"})
    assert error_codes(wrong["confirmTotpEnrolment"]) == ["INVALID_CREDENTIALS"]
    done = (
        await gql.data(CONFIRM, {"t": first["ticket"], "c": code_at(started["secret"], clock)})
    )["confirmTotpEnrolment"]
    assert done["errors"] == [] and done["token"] and len(done["recoveryCodes"]) == 10
    assert done["user"]["username"] == teacher.user.username
    viewer = await gql.as_(done["token"]).data(VIEWER)
    assert viewer["viewer"]["user"]["username"] == teacher.user.username
    # Staff cannot turn it off while the school requires it.
    clock.advance(seconds=30)
    kept = (await gql.as_(done["token"]).data(DISABLE, {"c": code_at(started["secret"], clock)}))[
        "disableTotp"
    ]
    assert error_codes(kept) == ["FORBIDDEN"]
    # From now on the teacher signs in with a code.
    again = await password_step(gql, teacher.user.username)
    assert again["totpRequired"] is True


async def test_racing_with_one_code_or_one_recovery_code_signs_in_once(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    secret, recovery = await enrol(gql, clock, staff.token)
    clock.advance(seconds=30)
    for code in (code_at(secret, clock), recovery[0]):
        tickets = [(await password_step(gql, staff.user.username))["ticket"] for _ in range(6)]
        answers = await asyncio.gather(
            *(gql.data(COMPLETE, {"t": ticket, "c": code}) for ticket in tickets)
        )
        outcomes = sorted(
            "signed in" if a["completeLogin"]["token"] else error_codes(a["completeLogin"])[0]
            for a in answers
        )
        assert outcomes == ["INVALID_CREDENTIALS"] * 5 + ["signed in"]
        fresh_step(clock)  # the five failures leave the throttle's window


async def test_guessing_the_code_to_turn_it_off_is_throttled(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    fresh_step(clock)
    school = await make_school(tx)
    parent = await make_user(tx, school)
    secret, _ = await enrol(gql, clock, parent.token)
    clock.advance(seconds=30)
    valid = {code_at(secret, clock, steps) for steps in (-1, 0, 1)}
    guesses = [c for c in (f"{n:06d}" for n in range(100)) if c not in valid][:7]
    answers = [
        error_codes((await gql.as_(parent.token).data(DISABLE, {"c": guess}))["disableTotp"])
        for guess in guesses
    ]
    assert answers[:5] == [["INVALID_CREDENTIALS"]] * 5
    assert ["RATE_LIMITED"] in answers[5:]
    still = await gql.as_(parent.token).data("{ viewer { totpEnabled } }")
    assert still["viewer"]["totpEnabled"] is True
    fresh_step(clock)
