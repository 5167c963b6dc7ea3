"""Sessions' deadlines, read for many sockets at once, and revocations announced to them."""

from datetime import timedelta

from services import sessions
from services.runtime import Runtime
from services.uow import Transactions, UnitOfWork
from settings import Settings
from tests.factories import make_school, make_user
from tests.support.clock import FakeClock


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
