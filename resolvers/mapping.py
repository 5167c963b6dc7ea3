"""Rows to contract types for accounts and families."""

from models import accounts as m_accounts
from models import family as m_family
from models.accounts import Role
from schema.accounts import User
from schema.family import BankAccount, Child, School, SchoolFeatures
from schema.ids import to_global_id
from services.family.views import ChildView, SchoolView, UserView


def user_type(user: m_accounts.User | UserView) -> User:
    assert user.id is not None
    return User(
        id=to_global_id("User", user.id),
        db_id=user.id,
        username=user.username,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
    )


def school_type(school: m_family.School | SchoolView) -> School:
    assert school.id is not None
    bank = None
    if school.bank_iban:
        bank = BankAccount(
            iban=school.bank_iban, bic=school.bank_bic, holder=school.bank_holder or school.name
        )
    return School(
        id=to_global_id("School", school.id),
        db_id=school.id,
        name=school.name,
        timezone=school.timezone,
        features=SchoolFeatures(
            meals=school.feature_meals,
            photos=school.feature_photos,
            meetings=school.feature_meetings,
            online_top_up=school.feature_online_top_up,
            bank_transfer_top_up=school.feature_bank_transfer_top_up,
            internal_transfer=school.feature_internal_transfer,
            pay_invoice_from_wallet=school.feature_pay_invoice_from_wallet,
        ),
        bank_account=bank,
    )


def child_type(child: m_family.Child | ChildView) -> Child:
    assert child.id is not None
    return Child(
        id=to_global_id("Child", child.id),
        db_id=child.id,
        school_id=child.school_id,
        first_name=child.first_name,
        last_name=child.last_name,
        class_name=child.class_name,
    )
