"""Invoices through the API: a parent sees their child's published invoices (newest first, in
pages, by status) and what is open; another family's invoice is NOT_FOUND; staff issue,
credit and list them with totals; parents are refused the staff mutations."""

from typing import Any

from models.accounts import Role
from schema.ids import db_id_of
from services.sql.uow import Transactions
from tests.api.invoices.support import ISSUE, issue, publish, unpublish
from tests.factories import gid, make_family, make_school, make_user, pk, set_class
from tests.support.graphql import GraphQL

INVOICES = """
query($id: ID!, $status: InvoiceStatus, $first: Int, $after: String) {
  viewer { child(id: $id) {
    invoices(status: $status, first: $first, after: $after) {
      edges { cursor node { id title status due { cents } dueOn
        lines { label quantity unitPrice { cents } amount { cents } }
        document { kind } child { firstName } } }
      pageInfo { hasNextPage endCursor }
    }
    dashboard { openInvoices { title status } }
  } }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on Invoice { title total { cents } } } }"
CREDIT = """
mutation($id: ID!, $cents: Int!, $reason: String!) {
  creditInvoice(invoiceId: $id, amountCents: $cents, reason: $reason) {
    invoice { status credited { cents } due { cents } } errors { code field }
  }
}"""
STAFF_LIST = """
query($status: InvoiceStatus, $class: String, $from: Date, $to: Date) {
  invoices(status: $status, className: $class, from: $from, to: $to) {
    invoices { title status }
    totals { count total { cents } paid { cents } credited { cents } due { cents } }
  }
}"""


def titles(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in page["edges"]]


async def test_parent_sees_own_published_invoices(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff_user = await make_user(tx, school, Role.STAFF)
    staff = gql.as_(staff_user.token)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    child = gid("Child", pk(family.child))
    # Today is 2026-11-02 at the school: the first is overdue, the second open.
    old = await issue(staff, child, "Piscine", 1200, "2026-10-01", "2026-10-15")
    new = await issue(staff, child, "Excursion", 2500, "2026-10-20", "2026-11-20")
    hidden = await issue(staff, child, "Pas encore publiée", 900, "2026-10-25", "2026-11-25")
    await unpublish(tx, db_id_of(str(hidden["id"]), "Invoice") or 0)
    for invoice in (old, new):
        await publish(tx, school, family.child, db_id_of(str(invoice["id"]), "Invoice") or 0)

    parent = gql.as_(family.parent.token)
    child_data = (await parent.data(INVOICES, {"id": child}))["viewer"]["child"]
    page = child_data["invoices"]
    assert titles(page) == ["Excursion", "Piscine"]  # newest first, the unpublished one left out
    first = page["edges"][0]["node"]
    assert first["status"] == "OPEN" and first["due"] == {"cents": 2500}
    assert first["lines"] == [
        {
            "label": "Excursion",
            "quantity": 1,
            "unitPrice": {"cents": 2500},
            "amount": {"cents": 2500},
        }
    ]
    assert first["document"] == {"kind": "uploaded"}
    assert first["child"]["firstName"] == family.child.first_name
    assert page["edges"][1]["node"]["status"] == "OVERDUE"
    assert child_data["dashboard"]["openInvoices"] == [
        {"title": "Piscine", "status": "OVERDUE"},
        {"title": "Excursion", "status": "OPEN"},
    ]

    one = (await parent.data(INVOICES, {"id": child, "first": 1}))["viewer"]["child"]["invoices"]
    assert titles(one) == ["Excursion"] and one["pageInfo"]["hasNextPage"] is True
    after = one["pageInfo"]["endCursor"]
    rest = (await parent.data(INVOICES, {"id": child, "first": 1, "after": after}))["viewer"]
    assert titles(rest["child"]["invoices"]) == ["Piscine"]
    assert rest["child"]["invoices"]["pageInfo"]["hasNextPage"] is False
    overdue = await parent.data(INVOICES, {"id": child, "status": "OVERDUE"})
    assert titles(overdue["viewer"]["child"]["invoices"]) == ["Piscine"]

    assert (await parent.data(NODE, {"id": old["id"]}))["node"] == {
        "title": "Piscine",
        "total": {"cents": 1200},
    }
    # Unpublished, or another family's: exactly like a missing invoice.
    assert (await parent.data(NODE, {"id": hidden["id"]}))["node"] is None
    outsider = gql.as_(stranger.parent.token)
    assert (await outsider.data(NODE, {"id": old["id"]}))["node"] is None
    assert (await outsider.data(INVOICES, {"id": child}))["viewer"]["child"] is None
    assert (await outsider.data(NODE, {"id": gid("Invoice", 999999)}))["node"] is None


async def test_staff_issue_credit_and_list(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family, other = await make_family(tx, school), await make_family(tx, school)
    await set_class(tx, family.child, "3A")
    await set_class(tx, other.child, "5B")
    child = gid("Child", pk(family.child))
    first = await issue(staff, child, "Piscine", 1200, "2026-10-01", "2026-10-15")
    assert first["total"] == {"cents": 1200} and first["status"] == "OVERDUE"
    second = await issue(staff, child, "Théâtre", 800, "2026-10-20", "2026-11-20")
    assert int(str(second["number"]).split("-")[-1]) == int(str(first["number"]).split("-")[-1]) + 1
    await issue(staff, gid("Child", pk(other.child)), "Livres", 3000, "2026-10-05", "2026-11-30")

    credited = await staff.data(CREDIT, {"id": first["id"], "cents": 1200, "reason": "Annulé"})
    assert credited["creditInvoice"] == {
        "invoice": {"status": "CREDITED", "credited": {"cents": 1200}, "due": {"cents": 0}},
        "errors": [],
    }
    too_much = await staff.data(CREDIT, {"id": second["id"], "cents": 900, "reason": "x"})
    assert too_much["creditInvoice"]["errors"] == [
        {"code": "INVALID_AMOUNT", "field": "amountCents"}
    ]
    empty = await staff.data(
        ISSUE,
        {"child": child, "title": "Vide", "lines": [], "on": "2026-10-01", "due": "2026-10-15"},
    )
    assert empty["issueInvoice"]["invoice"] is None
    assert [e["code"] for e in empty["issueInvoice"]["errors"]] != []

    everything = (await staff.data(STAFF_LIST, {}))["invoices"]
    assert [i["title"] for i in everything["invoices"]] == ["Théâtre", "Livres", "Piscine"]
    assert everything["totals"] == {
        "count": 3,
        "total": {"cents": 5000},
        "paid": {"cents": 0},
        "credited": {"cents": 1200},
        "due": {"cents": 3800},
    }
    class_3a = (await staff.data(STAFF_LIST, {"class": "3A", "status": "OPEN"}))["invoices"]
    assert class_3a["invoices"] == [{"title": "Théâtre", "status": "OPEN"}]
    assert class_3a["totals"]["due"] == {"cents": 800}
    october = await staff.data(STAFF_LIST, {"from": "2026-10-02", "to": "2026-10-10"})
    assert [i["title"] for i in october["invoices"]["invoices"]] == ["Livres"]

    # Parents: FORBIDDEN on the staff mutations, and on the staff list.
    parent = gql.as_(family.parent.token)
    lines = [{"label": "x", "quantity": 1, "unitPriceCents": 100}]
    refused = await parent.data(
        ISSUE,
        {"child": child, "title": "x", "lines": lines, "on": "2026-10-01", "due": "2026-10-15"},
    )
    assert refused["issueInvoice"] == {
        "invoice": None,
        "errors": [{"code": "FORBIDDEN", "field": None}],
    }
    refused_credit = await parent.data(CREDIT, {"id": second["id"], "cents": 100, "reason": "x"})
    assert refused_credit["creditInvoice"]["errors"][0]["code"] == "FORBIDDEN"
    listing = await parent.execute(STAFF_LIST, {})
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
