"""The demo school's photo campaign: open for two weeks to the whole school, with a proof
picture for each demo child (each family sees only its own child's)."""

import struct
import zlib
from datetime import timedelta
from zoneinfo import ZoneInfo

from models.accounts import Role
from models.documents import DocumentKind, DocumentRead
from models.photos import PhotoCampaign, PhotoProof
from services.accounts.actor import Actor
from services.demo.documents import of
from services.demo.school import DemoSchool
from services.documents.publishing import Audience, NewDocument, publish_document
from services.photos.campaigns import NewArticle, open_campaign
from services.sql.uow import UnitOfWork
from storage.local import LocalStorage

ARTICLES = (
    NewArticle("Portrait 13 x 18", 9_00),
    NewArticle("Photo de classe 20 x 30", 7_50),
    NewArticle("Planche de 8 photos d'identité", 6_00),
)


def proof_png(seed: int, width: int = 120, height: int = 160) -> bytes:
    """A real PNG standing in for the photographer's proof (a soft two-tone gradient)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    tint = (seed * 53) % 256
    rows = b"".join(b"\x00" + bytes((tint, 120 + y // 2, 255 - y)) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def seed_photos(uow: UnitOfWork, demo: DemoSchool) -> PhotoCampaign:
    school, staff = demo.school, demo.staff
    assert school.id is not None and staff.id is not None
    today = uow.now.astimezone(ZoneInfo(school.timezone)).date()
    actor = Actor(staff.id, school.id, Role(staff.role), staff.locale)
    campaign = await open_campaign(
        uow,
        actor,
        title="Photos scolaires 2026",
        order_until=today + timedelta(days=14),
        articles=ARTICLES,
    )
    assert campaign.id is not None
    storage = LocalStorage(uow.settings.documents_dir)
    readers = {demo.parent.id: demo.children, demo.other.id: demo.other_children}
    for parent_id, children in readers.items():
        assert parent_id is not None
        for child in children:
            assert child.id is not None
            proof = await publish_document(
                uow,
                storage,
                school.id,
                NewDocument(
                    title=f"Épreuve photo {of(child.first_name)}",
                    date=today,
                    audience=Audience.child(child.id),
                    kind=DocumentKind.PHOTO_PROOF,
                ),
                data=proof_png(child.id),
                file_name=f"epreuve-{child.first_name.lower()}.png",
                notify=False,
            )
            assert proof.id is not None
            uow.session.add(
                PhotoProof(
                    school_id=school.id,
                    campaign_id=campaign.id,
                    child_id=child.id,
                    document_id=proof.id,
                )
            )
            # Seen already: the demo keeps its one unread document per child (the report).
            uow.session.add(DocumentRead(document_id=proof.id, user_id=parent_id, read_at=uow.now))
    await uow.session.flush()
    return campaign
