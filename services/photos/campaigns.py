"""Photo campaigns: staff open them (articles, order-until date, classes) and add each child's
proof pictures; parents see the campaigns open to their child and that child's proofs only."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.documents import Document, DocumentKind, DocumentRead
from models.family import Child, School
from models.photos import PhotoArticle, PhotoCampaign, PhotoProof
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.school_time import local_today, zone
from services.documents.access import DocumentView
from services.documents.files import check_file
from services.documents.publishing import Audience, NewDocument, record_document, recorded
from services.family.children import child_for, get_school, require_staff
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage

MAX_ARTICLES = 20
MAX_PRICE_CENTS = 1_000_00


@dataclass(frozen=True)
class NewArticle:
    name: str
    price_cents: int


def require_photos(school: School) -> None:
    if not school.feature_photos:
        raise DomainError(ErrorCode.FEATURE_DISABLED)


def school_today(school: School, now: datetime) -> date:
    return local_today(now, zone(school.timezone))


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise DomainError(ErrorCode.INVALID_INPUT, field)
    return value


def _articles(articles: Sequence[NewArticle]) -> list[NewArticle]:
    if not 1 <= len(articles) <= MAX_ARTICLES:
        raise DomainError(ErrorCode.INVALID_INPUT, "articles")
    checked = []
    for article in articles:
        if not 0 < article.price_cents <= MAX_PRICE_CENTS:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "articles")
        checked.append(NewArticle(_text(article.name, "articles", 120), article.price_cents))
    return checked


def reaches(campaign: PhotoCampaign, child: Child) -> bool:
    """Whether the campaign is for this child's class (an empty list: the whole school)."""
    return not campaign.class_names or child.class_name in campaign.class_names


async def open_campaign(
    uow: UnitOfWork,
    actor: Actor,
    *,
    title: str,
    order_until: date,
    articles: Sequence[NewArticle],
    class_names: Sequence[str] = (),
) -> PhotoCampaign:
    """Staff open a campaign for some classes (none: the whole school)."""
    require_staff(actor)
    school = await get_school(uow.session, actor.school_id)
    require_photos(school)
    checked = _articles(articles)
    if order_until < school_today(school, uow.now):
        raise DomainError(ErrorCode.INVALID_INPUT, "orderUntil")
    classes = sorted({_text(name, "classNames", 50) for name in class_names})
    campaign = PhotoCampaign(
        school_id=actor.school_id,
        title=_text(title, "title", 200),
        order_until=order_until,
        class_names=classes,
        created_by=actor.user_id,
        created_at=uow.now,
    )
    uow.session.add(campaign)
    await uow.session.flush()
    assert campaign.id is not None
    for position, article in enumerate(checked):
        uow.session.add(
            PhotoArticle(
                school_id=actor.school_id,
                campaign_id=campaign.id,
                position=position,
                name=article.name,
                price_cents=article.price_cents,
            )
        )
    await uow.session.flush()
    return campaign


async def school_campaign(
    session: AsyncSession, school_id: int, campaign_id: int, field: str = "campaignId"
) -> PhotoCampaign:
    campaign = await session.get(PhotoCampaign, campaign_id)
    if campaign is None or campaign.school_id != school_id:
        raise NotFound(field)
    return campaign


async def articles_of(session: AsyncSession, campaign_ids: Sequence[int]) -> list[PhotoArticle]:
    """The articles of these campaigns, in each campaign's order."""
    if not campaign_ids:
        return []
    rows = await session.scalars(
        select(PhotoArticle)
        .where(col(PhotoArticle.campaign_id).in_(campaign_ids))
        .order_by(col(PhotoArticle.campaign_id), col(PhotoArticle.position))
    )
    return list(rows)


async def campaign_for_child(
    session: AsyncSession, actor: Actor, child_id: int, campaign_id: int
) -> tuple[Child, PhotoCampaign]:
    """The child (visible to the actor) and a campaign of its school meant for it; NOT_FOUND
    for another family's child, another school's campaign or another class's."""
    child = await child_for(session, actor, child_id)
    require_photos(await get_school(session, child.school_id))
    campaign = await school_campaign(session, child.school_id, campaign_id)
    if not reaches(campaign, child):
        raise NotFound("campaignId")
    return child, campaign


async def open_campaigns_for_child(
    session: AsyncSession, actor: Actor, child_id: int, now: datetime
) -> list[PhotoCampaign]:
    """The campaigns this child's parents may still order from, soonest closing first."""
    child = await child_for(session, actor, child_id)
    school = await get_school(session, child.school_id)
    require_photos(school)
    campaigns = await session.scalars(
        select(PhotoCampaign)
        .where(
            col(PhotoCampaign.school_id) == child.school_id,
            col(PhotoCampaign.order_until) >= school_today(school, now),
        )
        .order_by(col(PhotoCampaign.order_until), col(PhotoCampaign.id))
    )
    return [campaign for campaign in campaigns if reaches(campaign, child)]


async def proofs_of(
    session: AsyncSession, actor: Actor, child_id: int, campaign_id: int
) -> list[DocumentView]:
    """This child's proof pictures in the campaign, with the actor's read markers; NOT_FOUND
    for a child the actor may not see."""
    child = await child_for(session, actor, child_id)
    read = exists(
        select(1).where(
            col(DocumentRead.document_id) == col(Document.id),
            col(DocumentRead.user_id) == actor.user_id,
        )
    )
    rows = await session.execute(
        select(Document, read)
        .join(PhotoProof, col(PhotoProof.document_id) == col(Document.id))
        .where(
            col(PhotoProof.campaign_id) == campaign_id,
            col(PhotoProof.child_id) == child.id,
        )
        .order_by(col(Document.id))
    )
    return [DocumentView(document, bool(seen)) for document, seen in rows]


async def add_proof(
    transactions: Transactions,
    storage: DocumentStorage,
    actor: Actor,
    *,
    campaign_id: int,
    child_id: int,
    data: bytes,
    file_name: str,
    content_type: str | None,
) -> Document:
    """Staff add a proof picture for one child: a `photo_proof` document published to that
    child alone (so only its guardians see it), recorded with its link to the campaign in one
    transaction; the file is removed again if that fails."""
    require_staff(actor)

    async def check(session: AsyncSession) -> PhotoCampaign:
        school = await get_school(session, actor.school_id)
        require_photos(school)
        campaign = await school_campaign(session, actor.school_id, campaign_id)
        child = await child_for(session, actor, child_id)
        if not reaches(campaign, child):
            raise NotFound("childId")
        return campaign

    campaign = await transactions.read(check)
    checked = check_file(
        data, file_name, content_type, max_bytes=transactions.settings.documents_max_bytes
    )
    key = await storage.save(checked.data)

    async def record(uow: UnitOfWork) -> Document:
        school = await get_school(uow.session, actor.school_id)
        new = NewDocument(
            title=campaign.title,
            date=school_today(school, uow.now),
            audience=Audience.child(child_id),
            kind=DocumentKind.PHOTO_PROOF,
        )
        document = await record_document(
            uow, actor.school_id, checked, key, new, published_by=actor.user_id
        )
        assert document.id is not None
        uow.session.add(
            PhotoProof(
                school_id=actor.school_id,
                campaign_id=campaign_id,
                child_id=child_id,
                document_id=document.id,
            )
        )
        await uow.session.flush()
        return document

    try:
        return await transactions.run(record)
    except BaseException:
        # Nothing recorded: the file has no row and must not stay behind.
        if not await recorded(transactions, key):
            await storage.delete(key)
        raise
