"""Shared events are checked, not trusted: a copy of the app's schema whose shared subscription
can reach a field not declared viewer-independent is refused when it is built, naming the
field; a subscription that shares its events without being declared is refused when it runs."""

from collections.abc import AsyncGenerator
from typing import Any

import pytest
import strawberry

from graphql_runtime.compat import graphql_schema
from graphql_runtime.live.follow import follow
from graphql_runtime.public import (
    ViewerDependentOutput,
    build_schema,
    shares_events,
    viewer_independent,
)
from graphql_runtime.viewer_independence import shared_subscription_fields
from pubsub.hub import PubSub
from resolvers.root import EXPECTED_ERRORS, Mutation, Query
from resolvers.root import build_schema as build_app_schema
from schema.context import Info
from schema.meetings import Booking, Slot, SlotEvent, Teacher


def schema_with(payload: type) -> Any:
    """The app's schema with a shared subscription whose events are `payload`s."""

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        @shares_events
        async def meeting_slots_changed(
            self, meeting_id: strawberry.ID
        ) -> AsyncGenerator[payload, None]:  # type: ignore[valid-type]
            yield payload()

    return build_schema(
        query=Query, mutation=Mutation, subscription=Subscription, expected_errors=EXPECTED_ERRORS
    )


def refusal(payload: type) -> str:
    with pytest.raises(ViewerDependentOutput) as refused:
        schema_with(payload)
    return str(refused.value)


def test_the_apps_shared_subscription_shows_only_declared_fields() -> None:
    schema = graphql_schema(build_app_schema().schema)
    assert shared_subscription_fields(schema) == {"meetingSlotsChanged"}


def test_a_resolver_added_to_the_payload_is_refused_by_name() -> None:
    @viewer_independent
    @strawberry.type
    class SlotEventWithMine(SlotEvent):
        @strawberry.field
        def booked_by_me(self, info: Info) -> bool:
            return info.context.actor is not None  # one family's answer, sent to all

    message = refusal(SlotEventWithMine)
    assert "SlotEventWithMine.bookedByMe (a resolver)" in message
    assert message.count("(") == 1  # nothing else: the rest of SlotEvent is declared


def test_a_field_reaching_an_undeclared_type_is_refused_by_name() -> None:
    @viewer_independent
    @strawberry.type
    class SlotWithBooking(Slot):
        booking: Booking | None = None  # who booked: staff only

    @viewer_independent
    @strawberry.type
    class SlotEventWithBookings:
        slots: list[SlotWithBooking]

    assert "SlotWithBooking.booking (its type Booking)" in refusal(SlotEventWithBookings)


def test_a_type_is_declared_by_itself_not_by_the_type_it_extends() -> None:
    @strawberry.type
    class TeacherWithNotes(Teacher):
        notes: str = ""

    @viewer_independent
    @strawberry.type
    class SlotWithNotes(Slot):
        teacher_notes: TeacherWithNotes | None = None

    @viewer_independent
    @strawberry.type
    class NotesEvent:
        slots: list[SlotWithNotes]

    assert "SlotWithNotes.teacherNotes (its type TeacherWithNotes)" in refusal(NotesEvent)


def test_a_declared_resolver_is_accepted() -> None:
    @viewer_independent
    @strawberry.type
    class CountedEvent(SlotEvent):
        @strawberry.field
        @viewer_independent
        def count(self) -> int:
            return len(self.slots)

    built = schema_with(CountedEvent)
    assert shared_subscription_fields(graphql_schema(built.schema)) == {"meetingSlotsChanged"}


@viewer_independent
@strawberry.type
class Tick:
    n: int


@strawberry.type
class TickQuery:
    ping: str = "pong"


async def test_sharing_events_without_declaring_it_is_refused_when_it_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pubsub = PubSub("memory://")
    await pubsub.connect()

    async def snapshot() -> tuple[int, list[Tick]]:
        return 0, [Tick(n=0)]

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def ticks(self) -> AsyncGenerator[Tick, None]:  # not @shares_events
            async for tick in follow(
                pubsub, "ticks", snapshot, lambda p: [Tick(n=p["sequence"])], shared_as="ticks"
            ):
                yield tick

    schema = build_schema(query=TickQuery, subscription=Subscription).schema
    stream: Any = await schema.subscribe("subscription { ticks { n } }")
    try:
        first = await anext(stream)
        assert first.data == {"ticks": {"n": 0}}  # the snapshot is never shared
        await pubsub.publish("ticks", {"sequence": 1})
        refused = await anext(stream)  # the event is not shown (alike to every viewer)
        assert refused.data is None
        assert [e.message for e in refused.errors] == ["Unexpected error."]
        assert "Subscription.ticks shares its events" in caplog.text
        assert "not declared with @shares_events" in caplog.text
    finally:
        await stream.aclose()
        await pubsub.disconnect()
