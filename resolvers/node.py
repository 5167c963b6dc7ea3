"""`node(id)`: any object by its global ID, with the same authorisation as everywhere else."""

from collections.abc import Awaitable, Callable

import strawberry

from resolvers import billing, documents, family, meals, meetings, photos, wallets
from schema.access import actor_of
from schema.context import Info
from schema.family import reachable_child
from schema.ids import parse_global_id
from schema.node import Node

NodeResolver = Callable[[Info, int], Awaitable[Node | None]]

# One entry per type implementing Node; each checks access like its own query does.
RESOLVERS: dict[str, NodeResolver] = {
    "Child": reachable_child,
    "School": family.school_node,
    "User": family.user_node,
    "Document": documents.document_node,
    "Wallet": wallets.wallet_node,
    "Operation": wallets.operation_node,
    "Sale": wallets.sale_node,
    "Device": wallets.device_node,
    "TopUp": wallets.top_up_node,
    "Meeting": meetings.meeting_node,
    "Slot": meetings.slot_node,
    "Teacher": meetings.teacher_node,
    "Appointment": meetings.appointment_node,
    "MealArticle": meals.article_node,
    "MealReservation": meals.reservation_node,
    "PhotoOrder": photos.photo_order_node,
    "Invoice": billing.invoice_node,
    "OnlinePayment": billing.online_payment_node,
}


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        actor_of(info)
        parsed = parse_global_id(id)
        if parsed is None:
            return None
        resolver = RESOLVERS.get(parsed[0])
        return None if resolver is None else await resolver(info, parsed[1])
