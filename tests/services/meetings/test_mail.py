"""Confirmation mails and their .ics: one calendar event per appointment, updated then cancelled,
at the school's wall-clock time."""

from datetime import datetime, time
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from icalendar import Calendar

from models.accounts import Role
from services.meetings import booking
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import actor_for, make_child, make_meeting, make_school, make_user
from tests.support.mail import mails_to, text_of


def subjects(mails: list[EmailMessage], separator: str) -> list[str]:
    # A long subject may be folded right after "Subject:", which parses with a leading space.
    return [str(m["Subject"]).strip().split(separator)[0] for m in mails]


def calendar_of(mail: EmailMessage) -> tuple[str, Calendar]:
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "appointment.ics"
    data = attachment.get_payload(decode=True)
    assert isinstance(data, bytes)
    return attachment.get_content_type(), Calendar.from_ical(data)


def event_of(calendar: Calendar) -> dict[str, object]:
    [event] = calendar.walk("VEVENT")
    return {
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": event.decoded("SEQUENCE"),
        "status": str(event["STATUS"]),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "tzid": event["DTSTART"].params["TZID"],
    }


async def test_book_move_cancel_mail_one_calendar_event_in_school_time(
    tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, start="17:00", end="18:00")
    parent = await make_user(tx, school, Role.PARENT, locale="fr")
    child = await make_child(tx, school, parent, first_name="Emma")
    me = actor_for(parent)
    first, second = meeting.slot(0, 0), meeting.slot(0, 3)

    booked = await tx.run(lambda u: booking.book(u, me, child.id or 0, first.id))
    await tx.run(lambda u: booking.move(u, me, booked.id, second.id))
    await tx.run(lambda u: booking.cancel(u, me, booked.id))

    mails = await mails_to(runtime, parent.user.email)
    assert subjects(mails, " :") == [
        "Rendez-vous confirmé",
        "Rendez-vous déplacé",
        "Rendez-vous annulé",
    ]
    brussels = ZoneInfo("Europe/Brussels")
    day = first.starts_at.astimezone(brussels).date()
    events = []
    for mail, method in zip(mails, ("REQUEST", "REQUEST", "CANCEL"), strict=True):
        content_type, calendar = calendar_of(mail)
        assert content_type == "text/calendar"
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
        events.append(event_of(calendar))
        assert events[-1]["method"] == method
    assert {e["uid"] for e in events} == {f"appointment-{booked.id}@cartable.example"}
    assert [e["sequence"] for e in events] == [0, 1, 2]
    assert [e["status"] for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert {e["tzid"] for e in events} == {"Europe/Brussels"}
    # 17:00 and 17:30 on the meeting's day, as the school's clock reads them.
    at = [datetime.combine(day, time(17, minute), brussels) for minute in (0, 10, 30, 40)]
    assert [(e["start"], e["end"]) for e in events] == [
        (at[0], at[1]),
        (at[2], at[3]),
        (at[2], at[3]),
    ]

    moved = text_of(mails[1])
    assert "a été déplacé (il était prévu le" in moved and "à 17:00)" in moved
    assert "de 17:30 à 17:40" in moved
    assert meeting.teachers[0].display_name in moved


async def test_mail_in_the_parents_language_and_to_both_guardians(
    tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx, timezone="America/New_York")
    meeting = await make_meeting(tx, school, start="18:00", end="19:00")
    booker = await make_user(tx, school, Role.PARENT, locale="en")
    other = await make_user(tx, school, Role.PARENT, locale="fr")
    child = await make_child(tx, school, booker, other)
    slot = meeting.slot(1, 1)
    booked = await tx.run(lambda u: booking.book(u, actor_for(booker), child.id or 0, slot.id))
    # The other guardian cancels: the booker's calendar holds the event, both are told.
    await tx.run(lambda u: booking.cancel(u, actor_for(other), booked.id))

    to_booker = await mails_to(runtime, booker.user.email)
    to_other = await mails_to(runtime, other.user.email)
    assert subjects(to_booker, ":") == [
        "Appointment confirmed",
        "Appointment cancelled",
    ]
    assert subjects(to_other, " :") == ["Rendez-vous annulé"]
    assert "from 18:10 to 18:20" in text_of(to_booker[0])
    _, calendar = calendar_of(to_booker[0])
    event = event_of(calendar)
    assert event["tzid"] == "America/New_York"
    assert event["start"].hour == 18 and event["start"].minute == 10  # type: ignore[attr-defined]
    assert event["start"] == slot.starts_at
