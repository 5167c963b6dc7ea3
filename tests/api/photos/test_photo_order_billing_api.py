"""A photo order through the API answers with its invoice (published, with its PDF) and its
summary (kind photo_order), which the parent downloads and another family never reaches."""

from datetime import timedelta

import httpx

from models.accounts import Role
from services.common.school_time import local_today, zone
from services.sql.uow import Transactions
from tests.api.documents.helpers import download
from tests.api.photos.test_photo_orders_api import OPEN
from tests.factories import gid, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from tests.support.pdf import pdf_text

ORDER = """
mutation($child: ID!, $campaign: ID!, $lines: [PhotoOrderLineInput!]!, $key: String!) {
  orderPhotos(childId: $child, campaignId: $campaign, lines: $lines, idempotencyKey: $key) {
    order {
      id total { cents }
      invoice { id number title status total { cents } due { cents } structuredCommunication
                lines { label quantity } document { kind } }
      summary { id kind title read downloadUrl }
    }
    errors { code field }
  }
}"""
NODE = """query($id: ID!) { node(id: $id) { ... on PhotoOrder {
  invoice { number } summary { kind } } } }"""
DOCUMENTS = """query($id: ID!) { viewer { child(id: $id) {
  documents { edges { node { kind } } }
  photoOrders { summary { id } invoice { status } } } } }"""
MARK = """mutation($id: ID!) { markDocumentRead(documentId: $id) {
  document { read } errors { code } } }"""


async def test_the_order_answers_its_published_invoice_and_its_summary(
    gql: GraphQL, http: httpx.AsyncClient, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx, feature_photos=True)
    staff = await make_user(tx, school, Role.STAFF)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    until = (local_today(clock(), zone("Europe/Brussels")) + timedelta(days=7)).isoformat()
    opened = await gql.as_(staff.token).data(OPEN, {"until": until})
    campaign = opened["openPhotoCampaign"]["campaign"]
    portrait, group = (a["id"] for a in campaign["articles"])
    child = gid("Child", pk(family.child))
    variables = {
        "child": child,
        "campaign": campaign["id"],
        "lines": [{"articleId": portrait, "quantity": 2}, {"articleId": group, "quantity": 1}],
        "key": "billed-1",
    }
    parent = gql.as_(family.parent.token)
    payload = (await parent.data(ORDER, variables))["orderPhotos"]
    assert payload["errors"] == []
    order = payload["order"]
    invoice, summary = order["invoice"], order["summary"]
    assert invoice["title"] == "Photos"
    assert invoice["status"] == "OPEN"
    assert invoice["total"] == invoice["due"] == order["total"] == {"cents": 2350}
    assert invoice["lines"] == [
        {"label": "Portrait", "quantity": 2},
        {"label": "Groupe", "quantity": 1},
    ]
    assert invoice["document"] == {"kind": "invoice"}
    assert summary["kind"] == "photo_order"
    assert summary["title"] == f"Commande de photos – Photos ({invoice['number']})"
    assert summary["read"] is False

    opened_file = await download(http, summary["downloadUrl"])
    assert opened_file.status_code == 200
    text = pdf_text(opened_file.content)
    for printed in ("Portrait", "Groupe", "23,50", "BE71 0961 2345 6769"):
        assert printed in text, printed
    assert invoice["structuredCommunication"] in text

    # The same key again: the same order, its summary made once (and now read: opened).
    again = (await parent.data(ORDER, variables))["orderPhotos"]["order"]
    assert again == {
        **order,
        "summary": {**summary, "read": True, "downloadUrl": again["summary"]["downloadUrl"]},
    }
    listed = (await parent.data(DOCUMENTS, {"id": child}))["viewer"]["child"]
    assert sorted(e["node"]["kind"] for e in listed["documents"]["edges"]) == [
        "invoice",
        "photo_order",
    ]
    assert listed["photoOrders"] == [
        {"summary": {"id": summary["id"]}, "invoice": {"status": "OPEN"}}
    ]

    # Another family reaches neither the order nor its summary.
    other = gql.as_(stranger.parent.token)
    assert (await other.data(NODE, {"id": order["id"]}))["node"] is None
    marked = (await other.data(MARK, {"id": summary["id"]}))["markDocumentRead"]
    assert marked == {"document": None, "errors": [{"code": "NOT_FOUND"}]}
    mine = (await parent.data(NODE, {"id": order["id"]}))["node"]
    assert mine == {"invoice": {"number": invoice["number"]}, "summary": {"kind": "photo_order"}}
