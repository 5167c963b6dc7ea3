"""The domain's enums as the schema serves them: each is declared once, in models/ or
services/, and wrapped here (GraphQL names its values by the members' names)."""

import strawberry

from models.accounts import Role
from models.ledger import OperationType, PaymentMethod
from models.meals import Allergen
from services.billing.live import InvoiceChange
from services.billing.status import InvoiceStatus
from services.common.periods import Period
from services.school.directory import AccountState

strawberry.enum(Role, name="Role")
strawberry.enum(
    AccountState,
    name="AccountState",
    description="INVITED until the activation link is used; DISABLED by staff.",
)
strawberry.enum(OperationType, name="OperationType")
strawberry.enum(PaymentMethod, name="PaymentMethod")
strawberry.enum(
    Period,
    name="Period",
    description="Presets in the school's time zone; the school year starts on 1 September.",
)
strawberry.enum(
    InvoiceStatus,
    name="InvoiceStatus",
    description="Computed when read, in the school's time zone: no job turns an invoice red.",
)
strawberry.enum(
    InvoiceChange,
    name="InvoiceChange",
    description="What changed an invoice: published (with its PDF), a payment, a credit note.",
)
strawberry.enum(
    Allergen, name="Allergen", description="The 14 allergens of EU Regulation 1169/2011."
)

__all__ = [
    "AccountState",
    "Allergen",
    "InvoiceChange",
    "InvoiceStatus",
    "OperationType",
    "PaymentMethod",
    "Period",
    "Role",
]
