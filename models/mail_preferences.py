"""The kinds of mail a user chose not to receive."""

from sqlmodel import Field, SQLModel

from models.columns import text_field


class MailOptOut(SQLModel, table=True):
    """A kind of mail (its template name) a user chose not to receive; no row: they get it."""

    __tablename__ = "mail_opt_outs"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    kind: str = text_field(40, primary_key=True)
