"""Confirmation mails on book, move and cancel, each with the .ics that updates the calendar.

The mail goes to the parent who booked (their calendar holds the event), and also to the
parent who acted when that is another guardian. Each in their own language.
"""

from datetime import datetime
from email.utils import parseaddr
from typing import Literal

from sqlalchemy import select
from sqlmodel import col

from mailer.message import Attachment, message_id_domain
from models.accounts import User
from models.family import Child, School
from models.meetings import Appointment, Meeting, MeetingTeacher
from services.accounts.actor import Actor
from services.common.notify import send_mail
from services.meetings.ics import CalendarEntry, Method, appointment_uid, ics
from services.sql.uow import UnitOfWork

Action = Literal["booked", "moved", "cancelled"]
TEMPLATE = "appointment"
SUMMARY = {
    "fr": "Rendez-vous avec {teacher} pour {child}",
    "en": "Appointment with {teacher} about {child}",
}


def _teacher_label(teacher: MeetingTeacher) -> str:
    return (
        f"{teacher.display_name} ({teacher.subject})" if teacher.subject else teacher.display_name
    )


async def _recipients(uow: UnitOfWork, actor: Actor, appointment: Appointment) -> list[User]:
    ids = [appointment.parent_id]
    if actor.is_parent and actor.user_id != appointment.parent_id:
        ids.append(actor.user_id)
    rows = await uow.session.scalars(select(User).where(col(User.id).in_(ids)))
    return sorted(rows.all(), key=lambda user: ids.index(user.id or 0))


async def mail_appointment(
    uow: UnitOfWork,
    actor: Actor,
    appointment_id: int,
    action: Action,
    *,
    previous: tuple[datetime, datetime] | None = None,
) -> None:
    appointment = await uow.session.get(Appointment, appointment_id, populate_existing=True)
    assert appointment is not None
    child = await uow.session.get(Child, appointment.child_id)
    teacher = await uow.session.get(MeetingTeacher, appointment.teacher_id)
    meeting = await uow.session.get(Meeting, appointment.meeting_id)
    school = await uow.session.get(School, appointment.school_id)
    assert child and teacher and meeting and school
    organizer_name, organizer_email = parseaddr(uow.settings.mail_from)
    method: Method = "CANCEL" if action == "cancelled" else "REQUEST"
    child_name = f"{child.first_name} {child.last_name}"
    for user in await _recipients(uow, actor, appointment):
        summary = SUMMARY.get(user.locale, SUMMARY["fr"]).format(
            teacher=_teacher_label(teacher), child=child_name
        )
        entry = CalendarEntry(
            uid=appointment_uid(appointment_id, message_id_domain(uow.settings.mail_from)),
            sequence=appointment.revision,
            summary=summary,
            description=meeting.title,
            location=school.name,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            time_zone=school.timezone,
            organizer_name=school.name or organizer_name,
            organizer_email=organizer_email,
            attendee_name=user.display_name,
            attendee_email=user.email,
        )
        await send_mail(
            uow,
            to=user.email,
            template=TEMPLATE,
            locale=user.locale,
            school_id=school.id,
            context={
                "action": action,
                "school_name": school.name,
                "display_name": user.display_name,
                "child_name": child_name,
                "teacher_name": teacher.display_name,
                "subject": teacher.subject,
                "meeting_title": meeting.title,
                "starts_at": appointment.starts_at,
                "ends_at": appointment.ends_at,
                "previous_starts_at": previous[0] if previous else None,
                "time_zone": school.timezone,
            },
            attachments=[
                Attachment(
                    "appointment.ics",
                    f"text/calendar; method={method}; charset=utf-8",
                    ics(entry, method, uow.now),
                )
            ],
        )
