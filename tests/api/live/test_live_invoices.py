"""invoiceChanged over a real websocket on a real uvicorn: the snapshot of the child's published
invoices, then each publication, payment and credit note in commit order; another family's
child refused, and their invoices never reaching this socket."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from models.accounts import Role
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.invoices.support import issue
from tests.api.photos.test_photo_orders_api import OPEN
from tests.factories import Family, fund, gid, make_family, make_school, make_user, pk, wallets_of
from tests.support.graphql import GraphQL
from tests.support.ledger import assert_ledger_balanced
from tests.support.live import GraphQLSocket, live_server
from tests.support.statements import count_statements

INVOICE_CHANGED = """
subscription($child: ID!) {
  invoiceChanged(childId: $child) {
    sequence change
    invoice {
      id number title status
      total { cents } paid { cents } credited { cents } due { cents }
      lines { label quantity unitPrice { cents } amount { cents } }
      payments { amount { cents } method }
      child { firstName }
    }
  }
}"""
PAY = """
mutation($invoice: ID!, $wallet: ID!, $key: String!) {
  payInvoiceFromWallet(invoiceId: $invoice, walletId: $wallet, idempotencyKey: $key) {
    errors { code }
  }
}"""
CREDIT = """
mutation($invoice: ID!, $cents: Int!) {
  creditInvoice(invoiceId: $invoice, amountCents: $cents, reason: "Sortie annulée") {
    errors { code }
  }
}"""


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


def brief(event: dict[str, Any]) -> tuple[Any, ...]:
    invoice = event["invoice"]
    return (
        event["change"],
        invoice["title"],
        invoice["status"],
        invoice["paid"]["cents"],
        invoice["credited"]["cents"],
        invoice["due"]["cents"],
        [(p["amount"]["cents"], p["method"]) for p in invoice["payments"]],
    )


async def test_snapshot_then_publication_payment_and_credit_note_in_order(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx, feature_pay_invoice_from_wallet=True)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    child = gid("Child", pk(family.child))
    today = tx.now().date()
    on, due = today.isoformat(), (today + timedelta(days=30)).isoformat()
    trip = await issue(staff, child, "Excursion", 2500, on, due)
    wallet = (await wallets_of(tx, family.child))[0]
    await fund(tx, wallet.id, 3000)

    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(INVOICE_CHANGED, {"child": child})
        first = (await socket.next_data(op))["invoiceChanged"]
        assert brief(first) == (None, "Excursion", "OPEN", 0, 0, 2500, [])
        assert first["invoice"]["id"] == trip["id"]
        assert first["invoice"]["number"] == trip["number"]
        assert first["invoice"]["lines"] == [
            {
                "label": "Excursion",
                "quantity": 1,
                "unitPrice": {"cents": 2500},
                "amount": {"cents": 2500},
            }
        ]
        assert first["invoice"]["child"] == {"firstName": family.child.first_name}
        position = first["sequence"]

        # Another family's invoice is published: it reaches this socket in no way.
        await issue(staff, gid("Child", pk(stranger.child)), "Pas pour vous", 900, on, due)
        swim = await issue(staff, child, "Piscine", 1200, on, due)
        paid = await gql.as_(family.parent.token).data(
            PAY, {"invoice": trip["id"], "wallet": gid("Wallet", wallet.id), "key": "pay-trip"}
        )
        assert paid["payInvoiceFromWallet"]["errors"] == []
        for cents in (200, 1000):
            credited = await staff.data(CREDIT, {"invoice": swim["id"], "cents": cents})
            assert credited["creditInvoice"]["errors"] == []

        events = [(await socket.next_data(op))["invoiceChanged"] for _ in range(4)]
        assert [e["sequence"] for e in events] == [position + n for n in (1, 2, 3, 4)]
        assert [brief(e) for e in events] == [
            ("PUBLISHED", "Piscine", "OPEN", 0, 0, 1200, []),
            ("PAYMENT", "Excursion", "PAID", 2500, 0, 0, [(2500, "WALLET")]),
            ("CREDIT_NOTE", "Piscine", "OPEN", 0, 200, 1000, []),
            ("CREDIT_NOTE", "Piscine", "CREDITED", 0, 1200, 0, []),
        ]
        assert events[0]["invoice"]["id"] == swim["id"]
    await assert_ledger_balanced(tx)


async def test_a_resubscription_starts_from_the_invoices_as_they_are(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    child = gid("Child", pk(family.child))
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        # No invoice yet: an empty snapshot, and the first one published arrives.
        op = await socket.subscribe(INVOICE_CHANGED, {"child": child})
        today = tx.now().date()
        await issue(staff, child, "Classe verte", 8000, today.isoformat(), today.isoformat())
        event = (await socket.next_data(op))["invoiceChanged"]
        assert brief(event) == ("PUBLISHED", "Classe verte", "OPEN", 0, 0, 8000, [])
        assert event["sequence"] == 1
        later = await issue(staff, child, "Théâtre", 600, today.isoformat(), today.isoformat())
        assert (await socket.next_data(op))["invoiceChanged"]["sequence"] == 2
        await socket.send({"id": op, "type": "complete"})

        again = await socket.subscribe(INVOICE_CHANGED, {"child": child})
        snapshot = [(await socket.next_data(again))["invoiceChanged"] for _ in range(2)]
        assert {e["invoice"]["title"] for e in snapshot} == {"Classe verte", "Théâtre"}
        assert {e["sequence"] for e in snapshot} == {2}
        assert snapshot[0]["invoice"]["id"] == later["id"]  # newest first
    await assert_ledger_balanced(tx)


async def test_another_familys_child_gives_not_found_and_no_events(
    server: str, tx: Transactions
) -> None:
    school = await make_school(tx)
    family: Family = await make_family(tx, school)
    stranger = await make_family(tx, school)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        for child in (gid("Child", pk(stranger.child)), gid("Wallet", 1), "nonsense"):
            op = await socket.subscribe(INVOICE_CHANGED, {"child": child})
            message = await socket.receive()
            assert message["id"] == op
            assert message["type"] == "next"
            assert message["payload"]["data"] is None
            assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["NOT_FOUND"]
            assert (await socket.receive())["type"] == "complete"


ORDER = """
mutation($child: ID!, $campaign: ID!, $lines: [PhotoOrderLineInput!]!, $key: String!) {
  orderPhotos(childId: $child, campaignId: $campaign, lines: $lines, idempotencyKey: $key) {
    order { id invoice { id structuredCommunication } } errors { code }
  }
}"""
CANCEL = """mutation($id: ID!) { cancelPhotoOrder(orderId: $id) { errors { code } } }"""
TRANSFER = """
mutation($communication: String!, $cents: Int!, $ref: String!, $on: Date!) {
  recordBankTransfer(communication: $communication, amountCents: $cents, bankReference: $ref,
                     valueDate: $on) { errors { code } }
}"""


async def test_photo_orders_and_a_bank_transfer_reach_the_socket(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx, feature_photos=True)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    parent = gql.as_(family.parent.token)
    child = gid("Child", pk(family.child))
    today = tx.now().date()
    until = (today + timedelta(days=7)).isoformat()
    campaign = (await staff.data(OPEN, {"until": until}))["openPhotoCampaign"]["campaign"]
    portrait = campaign["articles"][0]["id"]

    async def order(key: str) -> dict[str, Any]:
        variables = {
            "child": child,
            "campaign": campaign["id"],
            "lines": [{"articleId": portrait, "quantity": 1}],
            "key": key,
        }
        payload = (await parent.data(ORDER, variables))["orderPhotos"]
        assert payload["errors"] == []
        found: dict[str, Any] = payload["order"]
        return found

    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(INVOICE_CHANGED, {"child": child})
        kept = await order("kept")
        transfer = {
            "communication": kept["invoice"]["structuredCommunication"],
            "cents": 400,
            "ref": f"bank-{pk(family.child)}",
            "on": today.isoformat(),
        }
        assert (await staff.data(TRANSFER, transfer))["recordBankTransfer"]["errors"] == []
        dropped = await order("dropped")
        assert (await parent.data(CANCEL, {"id": dropped["id"]}))["cancelPhotoOrder"] == {
            "errors": []
        }
        events = [(await socket.next_data(op))["invoiceChanged"] for _ in range(4)]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4]  # an empty snapshot first
    assert [brief(e) for e in events] == [
        ("PUBLISHED", "Photos", "OPEN", 0, 0, 900, []),
        ("PAYMENT", "Photos", "OPEN", 400, 0, 500, [(400, "BANK_TRANSFER")]),
        ("PUBLISHED", "Photos", "OPEN", 0, 0, 900, []),
        ("CREDIT_NOTE", "Photos", "CREDITED", 0, 900, 0, []),
    ]
    assert [e["invoice"]["id"] for e in events] == [kept["invoice"]["id"]] * 2 + [
        dropped["invoice"]["id"]
    ] * 2
    await assert_ledger_balanced(tx)


async def test_an_event_costs_no_statement_per_watcher(
    server: str, gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    """Status, lines, payments and child come with the event: three watchers cost the
    statements of one."""
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    child = gid("Child", pk(family.child))
    today = tx.now().date()
    invoice = await issue(staff, child, "Cantine", 5000, today.isoformat(), today.isoformat())

    async def credit_seen_by(sockets: list[tuple[GraphQLSocket, str]]) -> list[str]:
        with count_statements(runtime.database.engine) as statements:
            credited = await staff.data(CREDIT, {"invoice": invoice["id"], "cents": 100})
            assert credited["creditInvoice"]["errors"] == []
            for socket, op in sockets:
                event = (await socket.next_data(op))["invoiceChanged"]
                assert event["change"] == "CREDIT_NOTE"
        # Background loops (the mail worker, the reconciler) share the engine: not ours.
        return [sql for sql in statements if "mail_outbox" not in sql and "top_ups" not in sql]

    async with AsyncExitStack() as stack:
        sockets = []

        async def watch() -> None:
            socket = await stack.enter_async_context(
                GraphQLSocket.connect(server, family.parent.token)
            )
            op = await socket.subscribe(INVOICE_CHANGED, {"child": child})
            assert (await socket.next_data(op))["invoiceChanged"]["change"] is None
            sockets.append((socket, op))

        await watch()
        await credit_seen_by(sockets)  # warm-up
        one = await credit_seen_by(sockets)
        await watch()
        await watch()
        await credit_seen_by(sockets)  # warm-up
        three = await credit_seen_by(sockets)
    assert len(three) == len(one), (one, three)
