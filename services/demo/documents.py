"""The demo school's documents (one unread for each demo child) and coming school events."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fpdf import FPDF

from models.documents import Document, DocumentRead
from models.school import EventKind, SchoolEvent
from services.demo.school import DemoSchool
from services.documents.publishing import Audience, NewDocument, publish_document
from services.sql.uow import UnitOfWork
from storage.local import LocalStorage


def demo_pdf(school: str, title: str, lines: list[str]) -> bytes:
    """A real one-page PDF (core fonts: Latin-1 text only)."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creation_date(datetime(2026, 9, 1, tzinfo=ZoneInfo("Europe/Brussels")))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(text=school, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def of(name: str) -> str:
    """French elision: "d'Emma", "de Lucas"."""
    return f"d'{name}" if name[:1].lower() in "aeiouyhéèêàâîïôû" else f"de {name}"


async def seed_documents(uow: UnitOfWork, demo: DemoSchool) -> list[Document]:
    school = demo.school
    assert school.id is not None
    storage = LocalStorage(uow.settings.documents_dir)
    today = uow.now.astimezone(ZoneInfo(school.timezone)).date()

    async def publish(title: str, day: date, audience: Audience, lines: list[str]) -> Document:
        assert school.id is not None
        return await publish_document(
            uow,
            storage,
            school.id,
            NewDocument(title=title, date=day, audience=audience),
            data=demo_pdf(school.name, title, lines),
            file_name=f"{title}.pdf",
            notify=False,
        )

    rules = await publish(
        "Règlement d'ordre intérieur",
        today - timedelta(days=60),
        Audience.whole_school(),
        ["Horaires, absences, repas et sorties : les règles de l'école pour cette année."],
    )
    museum = await publish(
        "Sortie au musée : autorisation",
        today - timedelta(days=10),
        Audience.school_class("3A"),
        ["La classe de 3A visitera le musée des Sciences naturelles.", "Départ 8 h 45."],
    )
    published = [rules, museum]
    for child in [*demo.children, *demo.other_children]:
        assert child.id is not None
        published.append(
            await publish(
                f"Bulletin {of(child.first_name)}",
                today - timedelta(days=3),
                Audience.child(child.id),
                [f"Bulletin du premier trimestre de {child.first_name} {child.last_name}."],
            )
        )
    # Everything but the report cards is already read: one unread document per child.
    for user in (demo.parent, demo.other):
        assert user.id is not None
        for document in (rules, museum):
            assert document.id is not None
            uow.session.add(DocumentRead(document_id=document.id, user_id=user.id, read_at=uow.now))
    await uow.session.flush()
    return published


async def seed_events(uow: UnitOfWork, demo: DemoSchool) -> list[SchoolEvent]:
    school = demo.school
    assert school.id is not None
    zone = ZoneInfo(school.timezone)
    today = uow.now.astimezone(zone).date()

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour, minute), zone)

    plan = [
        ("Journée sportive", EventKind.ACTIVITY, None, at(5, 9), at(5, 16)),
        ("Excursion au zoo", EventKind.TRIP, "3A", at(12, 8, 45), at(12, 17)),
        ("Congé pédagogique", EventKind.HOLIDAY, None, at(19, 0), at(19, 23, 59)),
        ("Spectacle de fin de trimestre", EventKind.ACTIVITY, None, at(26, 18), at(26, 20)),
    ]
    events = [
        SchoolEvent(
            school_id=school.id,
            class_name=class_name,
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=ends,
            created_by=demo.staff.id,
            created_at=uow.now,
        )
        for title, kind, class_name, starts, ends in plan
    ]
    uow.session.add_all(events)
    await uow.session.flush()
    return events
