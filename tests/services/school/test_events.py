"""School events: staff create them; each child's upcoming ones come batched in one statement."""

from datetime import timedelta

import pytest

from models.accounts import Role
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.school.events import create_event, upcoming_events
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import Person, make_event, make_family, make_school, make_user, pk, set_class
from tests.support.clock import FakeClock
from tests.support.statements import count_statements


def actor_of(person: Person, role: Role = Role.PARENT) -> Actor:
    return Actor(person.id, person.user.school_id, role, "fr")


async def test_upcoming_events_per_child_school_and_class_in_one_statement(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    now = clock()
    school, elsewhere = await make_school(tx), await make_school(tx)
    family = await make_family(tx, school, children=3)
    first, second, third = family.children
    await set_class(tx, second, "2B")
    await set_class(tx, third, None)
    stranger = await make_family(tx, school)
    hour = timedelta(hours=1)

    over = await make_event(tx, school, now - 3 * hour, ends_at=now - hour, title="over")
    ongoing = await make_event(tx, school, now - hour, ends_at=now + hour, title="ongoing")
    trip_1a = await make_event(tx, school, now + 5 * hour, class_name="1A", title="trip 1A")
    trip_2b = await make_event(tx, school, now + 6 * hour, class_name="2B", title="trip 2B")
    fete = await make_event(tx, school, now + 2 * hour, title="fête")
    later = await make_event(tx, school, now + 48 * hour, title="later")
    await make_event(tx, elsewhere, now + hour, title="another school")
    assert over.id

    async with runtime.database.read() as session:
        with count_statements(runtime.database.engine) as statements:
            found = await upcoming_events(
                session,
                actor_of(family.parent),
                [pk(first), pk(second), pk(third), pk(stranger.child)],
                now=now,
                limit=3,
            )
    assert len(statements) == 1
    titles = {child_id: [e.title for e in events] for child_id, events in found.items()}
    assert titles == {
        first.id: [ongoing.title, fete.title, trip_1a.title],
        second.id: [ongoing.title, fete.title, trip_2b.title],
        third.id: [ongoing.title, fete.title, later.title],
        stranger.child.id: [],
    }


async def test_staff_create_events_and_bad_input_is_refused(
    tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    staff = actor_of(await make_user(tx, school, Role.STAFF), Role.STAFF)
    start = clock() + timedelta(days=3)

    event = await tx.run(
        lambda uow: create_event(
            uow, staff, title=" Excursion ", kind="Trip", starts_at=start, class_name="1A"
        )
    )
    assert (event.title, event.kind, event.class_name, event.ends_at) == (
        "Excursion",
        "trip",
        "1A",
        None,
    )

    async def refused(actor: Actor = staff, **changes: object) -> tuple[str, str | None]:
        values: dict = {"title": "x", "kind": "activity", "starts_at": start, **changes}
        with pytest.raises(DomainError) as error:
            await tx.run(lambda uow: create_event(uow, actor, **values))
        return error.value.code.value, error.value.field

    assert await refused(actor_of(family.parent)) == ("FORBIDDEN", None)
    assert await refused(title="   ") == ("INVALID_INPUT", "title")
    assert await refused(kind="party") == ("INVALID_INPUT", "kind")
    assert await refused(ends_at=start - timedelta(minutes=1)) == ("INVALID_INPUT", "endsAt")
    assert await refused(starts_at=start.replace(tzinfo=None)) == ("INVALID_INPUT", "startsAt")
    assert await refused(class_name="9Z") == ("NOT_FOUND", "className")
