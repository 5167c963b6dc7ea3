"""What the viewer's queries show of users, schools and children: plain values read as
columns (no ORM object: reading one costs more than its statement on every page load)."""

from datetime import datetime
from typing import NamedTuple

from sqlmodel import col

from models.accounts import User
from models.family import Child, School


class UserView(NamedTuple):
    id: int
    school_id: int
    role: str
    username: str
    email: str
    display_name: str
    locale: str


class SchoolView(NamedTuple):
    id: int
    name: str
    timezone: str
    feature_meals: bool
    feature_photos: bool
    feature_meetings: bool
    feature_online_top_up: bool
    feature_bank_transfer_top_up: bool
    feature_internal_transfer: bool
    feature_pay_invoice_from_wallet: bool
    bank_iban: str | None
    bank_bic: str | None
    bank_holder: str | None
    leaver_access_days: int


class ChildView(NamedTuple):
    id: int
    school_id: int
    first_name: str
    last_name: str
    class_name: str | None
    left_at: datetime | None


# Each view's fields as columns, in its order.
USER_COLUMNS = tuple(col(getattr(User, name)) for name in UserView._fields)
SCHOOL_COLUMNS = tuple(col(getattr(School, name)) for name in SchoolView._fields)
CHILD_COLUMNS = tuple(col(getattr(Child, name)) for name in ChildView._fields)
