"""Documents for children: the file's metadata, who it was published to, who has read it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class DocumentKind(StrEnum):
    UPLOADED = "uploaded"
    INVOICE = "invoice"
    PHOTO_ORDER = "photo_order"
    PHOTO_PROOF = "photo_proof"


class Document(SQLModel, table=True):
    """One stored file. `child_id` / `class_name` record the audience staff chose (both null:
    the whole school); who may open it is `document_recipients`, fixed at publication."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("child_id IS NULL OR class_name IS NULL", name="one_audience"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    kind: str = text_field(32, default=DocumentKind.UPLOADED)
    title: str = text_field(200)
    date: date
    child_id: int | None = Field(default=None, foreign_key="children.id", nullable=True)
    class_name: str | None = text_field(50, nullable=True, default=None)
    # What the parent's browser gets; the file itself lives under `storage_key`.
    file_name: str = text_field(255)
    content_type: str = text_field(100)
    size_bytes: int = Field(sa_type=BigInteger)
    sha256: str = text_field(64)
    storage_key: str = text_field(64, unique=True)
    published_by: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    created_at: datetime = utc_field()
    # Replacing the file bumps the version (the former file is kept in document_versions).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Withdrawn by staff: families no longer see it; the row and file stay for the record.
    withdrawn_at: datetime | None = utc_field(nullable=True, default=None)


class DocumentRecipient(SQLModel, table=True):
    """A child the document was published to (class and school documents: one row per child
    in the audience at publication). `date` copies the document's, for keyset pages per child."""

    __tablename__ = "document_recipients"
    __table_args__ = (
        UniqueConstraint("document_id", "child_id"),
        Index("ix_document_recipients_child_date", "child_id", "date", "document_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    child_id: int = Field(foreign_key="children.id")
    date: date


class DocumentRead(SQLModel, table=True):
    """A user has opened (or marked read) a document: at most one row per user and document."""

    __tablename__ = "document_reads"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id")
    user_id: int = Field(foreign_key="users.id", index=True)
    read_at: datetime = utc_field()


class DocumentVersion(SQLModel, table=True):
    """A file a document used to serve before staff replaced it, kept for the record."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    document_id: int = Field(foreign_key="documents.id")
    version: int
    file_name: str = text_field(255)
    content_type: str = text_field(100)
    size_bytes: int = Field(sa_type=BigInteger)
    sha256: str = text_field(64)
    storage_key: str = text_field(64, unique=True)
    replaced_at: datetime = utc_field()
