"""Sessions' deadlines, read for many sockets at once, and revocations announced to them."""

from datetime import timedelta

from services.accounts import sessions
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from tests.factories import make_school, make_user
from tests.support.clock import FakeClock
from tests.support.statements import count_statements


async def session_id(runtime: Runtime, settings: Settings, token: str) -> int:
    actor = await sessions.authenticate(runtime.database, settings, token)
    assert actor is not None and actor.session_id is not None
    return actor.session_id


async def test_deadlines_of_live_sessions_only(
    runtime: Runtime, tx: Transactions, settings: Settings, clock: FakeClock
) -> None:
    school = await make_school(tx)
    kept, revoked = await make_user(tx, school), await make_user(tx, school)
    kept_id = await session_id(runtime, settings, kept.token)
    revoked_id = await session_id(runtime, settings, revoked.token)
    assert revoked.user.id is not None

    async def revoke(uow: UnitOfWork) -> list[int]:
        ids = await sessions.revoke(uow, revoked.user.id or 0)
        assert uow.events == [
            (sessions.SESSIONS_CHANNEL, {"user": revoked.user.id, "revoked": ids})
        ]
        return ids

    assert await tx.run(revoke) == [revoked_id]
    deadlines = await sessions.session_deadlines(
        runtime.database, settings, [kept_id, revoked_id, 10**9]
    )
    idle = clock() + timedelta(minutes=settings.session_idle_minutes)
    assert deadlines == {kept_id: idle}
    clock.advance(minutes=settings.session_idle_minutes)
    assert await sessions.session_deadlines(runtime.database, settings, [kept_id]) == {}


async def test_a_request_signs_in_with_its_user_and_school_in_one_statement(
    runtime: Runtime, tx: Transactions, settings: Settings, clock: FakeClock
) -> None:
    school = await make_school(tx)
    user = await make_user(tx, school)
    await session_id(runtime, settings, user.token)  # its first use may refresh the idle clock
    reading = tx.shared_read()
    try:
        with count_statements(runtime.database.engine) as statements:
            signed_in = await sessions.sign_in_request(
                runtime.database, settings, user.token, reading
            )
    finally:
        await reading.close()
    assert len(statements) == 1
    assert signed_in is not None
    assert signed_in.actor.user_id == signed_in.user.id == user.user.id
    assert signed_in.actor.school_id == signed_in.school.id == school.id
    assert signed_in.school.name == school.name
    assert signed_in.user.username == user.user.username

    unknown = tx.shared_read()
    try:
        assert await sessions.sign_in_request(runtime.database, settings, "nope", unknown) is None
    finally:
        await unknown.close()
    clock.advance(minutes=settings.session_idle_minutes)
    expired = tx.shared_read()
    try:
        assert (
            await sessions.sign_in_request(runtime.database, settings, user.token, expired) is None
        )
    finally:
        await expired.close()
