"""Photo orders through the API: order with a key, see it on the child, cancel it; another
family's order is NOT_FOUND."""

from datetime import timedelta

from models.accounts import Role
from services.common.school_time import local_today, zone
from services.sql.uow import Transactions
from tests.factories import gid, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

OPEN = """
mutation($until: Date!) {
  openPhotoCampaign(title: "Photos", orderUntil: $until,
    articles: [{name: "Portrait", priceCents: 900}, {name: "Groupe", priceCents: 550}]) {
    campaign { id articles { id } } errors { code }
  }
}"""
ORDER = """
mutation($child: ID!, $campaign: ID!, $lines: [PhotoOrderLineInput!]!, $key: String!) {
  orderPhotos(childId: $child, campaignId: $campaign, lines: $lines, idempotencyKey: $key) {
    order { id status total { cents } lines { label quantity unitPrice { cents } amount { cents } }
            campaign { title } child { firstName } }
    errors { code field }
  }
}"""
CANCEL = """
mutation($id: ID!) { cancelPhotoOrder(orderId: $id) {
  order { id status } errors { code } } }"""
ORDERS = """
query($id: ID!) { viewer { child(id: $id) { photoOrders { id status total { cents } } } } }"""


async def test_order_see_and_cancel(gql: GraphQL, tx: Transactions, clock: FakeClock) -> None:
    school = await make_school(tx, feature_photos=True)
    staff = await make_user(tx, school, Role.STAFF)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    until = (local_today(clock(), zone("Europe/Brussels")) + timedelta(days=7)).isoformat()
    campaign = (await gql.as_(staff.token).data(OPEN, {"until": until}))["openPhotoCampaign"][
        "campaign"
    ]
    portrait, group = (a["id"] for a in campaign["articles"])
    child = gid("Child", pk(family.child))
    variables = {
        "child": child,
        "campaign": campaign["id"],
        "lines": [{"articleId": portrait, "quantity": 2}, {"articleId": group, "quantity": 1}],
        "key": "order-1",
    }
    parent = gql.as_(family.parent.token)
    first = (await parent.data(ORDER, variables))["orderPhotos"]
    assert first["errors"] == []
    order = first["order"]
    assert order["status"] == "ACTIVE" and order["total"] == {"cents": 2350}
    assert [(x["label"], x["quantity"], x["amount"]["cents"]) for x in order["lines"]] == [
        ("Portrait", 2, 1800),
        ("Groupe", 1, 550),
    ]
    assert order["child"]["firstName"] == family.child.first_name
    again = (await parent.data(ORDER, variables))["orderPhotos"]["order"]
    assert again["id"] == order["id"]

    # Another family: their own child's ID is fine, this one is not theirs.
    theirs = await gql.as_(stranger.parent.token).data(ORDER, {**variables, "key": "x"})
    assert theirs["orderPhotos"]["errors"] == [{"code": "NOT_FOUND", "field": "childId"}]
    peek = await gql.as_(stranger.parent.token).data(CANCEL, {"id": order["id"]})
    assert peek["cancelPhotoOrder"] == {"order": None, "errors": [{"code": "NOT_FOUND"}]}

    cancelled = (await parent.data(CANCEL, {"id": order["id"]}))["cancelPhotoOrder"]
    assert cancelled["order"]["status"] == "CANCELLED"
    twice = (await parent.data(CANCEL, {"id": order["id"]}))["cancelPhotoOrder"]
    assert twice["errors"] == [{"code": "ALREADY_CANCELLED"}]
    node = "query($id: ID!) { node(id: $id) { ... on PhotoOrder { id status } } }"
    assert (await parent.data(node, {"id": order["id"]}))["node"] == {
        "id": order["id"],
        "status": "CANCELLED",
    }
    assert (await gql.as_(stranger.parent.token).data(node, {"id": order["id"]}))["node"] is None
    listed = (await parent.data(ORDERS, {"id": child}))["viewer"]["child"]["photoOrders"]
    assert listed == [{"id": order["id"], "status": "CANCELLED", "total": {"cents": 2350}}]
