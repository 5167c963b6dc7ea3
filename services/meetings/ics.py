"""The iCalendar (.ics) file mailed with each confirmation (RFC 5545 / iTIP RFC 5546).

One UID per appointment, so a parent's calendar updates the same event: METHOD:REQUEST with
a SEQUENCE that grows on every move, then METHOD:CANCEL. Times carry the school's TZID with
its VTIMEZONE, so the event shows at the school's wall-clock time wherever the parent is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

Method = Literal["REQUEST", "CANCEL"]
PRODID = "-//Cartable//Parent meetings//EN"
YEAR = timedelta(days=366)


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str


def appointment_uid(appointment_id: int, domain: str) -> str:
    return f"appointment-{appointment_id}@{domain}"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def ics(entry: CalendarEntry, method: Method, stamp: datetime) -> bytes:
    zone = ZoneInfo(entry.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("location", entry.location)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(entry.organizer_email, entry.organizer_name))
    # The parent booked it: already accepted, no RSVP buttons.
    event.add(
        "attendee",
        _address(
            entry.attendee_email,
            entry.attendee_name,
            ROLE="REQ-PARTICIPANT",
            PARTSTAT="ACCEPTED",
            RSVP="FALSE",
        ),
    )
    calendar.add_component(event)
    # The VTIMEZONE only needs the rules around the event (a year either side).
    day = entry.starts_at.astimezone(zone).date()
    calendar.add_missing_timezones(first_date=day - YEAR, last_date=day + YEAR)
    return bytes(calendar.to_ical())
