"""An invoice paid online (startInvoicePayment): the checkout to follow, then its outcome."""

import strawberry

from schema.access import actor_of, read
from schema.billing import Invoice
from schema.context import Info
from schema.errors import UserError
from schema.family import reachable_child
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from services.billing import reading
from services.billing.online_payment import OnlinePaymentView
from services.common.errors import DomainError


@strawberry.type
class OnlinePayment(Node):
    view: strawberry.Private[OnlinePaymentView]
    amount: Money
    status: str = strawberry.field(description="PENDING, then PAID, FAILED or EXPIRED.")
    checkout_url: str | None = strawberry.field(
        description="The payment page; POST it with outcome=paid (or failed) in the sandbox."
    )

    @strawberry.field(description="The invoice it pays, as it is now.")
    async def invoice(self, info: Info) -> Invoice | None:
        actor, invoice_id = actor_of(info), self.view.invoice_id
        try:
            view = await read(info, lambda s: reading.invoice_for(s, actor, invoice_id))
        except DomainError:
            return None
        child = await reachable_child(info, view.child_id)
        return None if child is None else Invoice.from_view(view, child)

    @classmethod
    def from_view(cls, view: OnlinePaymentView) -> "OnlinePayment":
        return cls(
            id=to_global_id("OnlinePayment", view.id),
            view=view,
            amount=money(view.amount_cents),
            status=view.status.value,
            checkout_url=view.checkout_url,
        )


@strawberry.type
class OnlinePaymentPayload:
    payment: OnlinePayment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
