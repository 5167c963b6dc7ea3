"""Per-channel sequence numbers, taken in the transaction that causes the event."""

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from models.columns import text_field


class ChannelSequence(SQLModel, table=True):
    __tablename__ = "channel_sequences"

    channel: str = text_field(200, primary_key=True)
    seq: int = Field(default=0, sa_type=BigInteger)
