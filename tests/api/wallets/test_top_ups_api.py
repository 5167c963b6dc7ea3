"""Online top-ups: starting one, and the webhook that alone credits the wallet."""

from typing import Any

import httpx
import pytest

from models.topups import TopUp
from payments.provider import PaymentStatus
from payments.sandbox import SandboxProvider
from schema.ids import parse_global_id
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.wallets.queries import START_TOP_UP, balances, gid
from tests.factories import Family, make_family, make_school, wallets_of
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes

WEBHOOK = "/payments/webhooks/sandbox"


def sandbox(runtime: Runtime) -> SandboxProvider:
    provider = runtime.payments.providers["sandbox"]
    assert isinstance(provider, SandboxProvider)
    return provider


async def start(gql: GraphQL, family: Family, wallet_id: int, cents: int, key: str) -> dict:
    payload = (
        await gql.as_(family.parent.token).data(
            START_TOP_UP, {"wallet": gid("Wallet", wallet_id), "cents": cents, "key": key}
        )
    )["startOnlineTopUp"]
    return payload


async def payment_of(tx: Transactions, top_up_gid: str) -> dict[str, Any]:
    """What the sandbox knows of the payment (as its signed checkout token carries it)."""
    parsed = parse_global_id(top_up_gid)
    assert parsed is not None
    row = await tx.read(lambda s: s.get(TopUp, parsed[1]))
    assert row is not None
    return {"p": row.provider_payment_id, "a": row.amount_cents, "c": "EUR", "r": f"topup:{row.id}"}


async def deliver(
    http: httpx.AsyncClient, runtime: Runtime, payment: dict[str, Any], status: PaymentStatus
) -> httpx.Response:
    body, headers = sandbox(runtime).webhook(payment, status, "evt_test")
    return await http.post(WEBHOOK, content=body, headers=headers)


async def test_a_top_up_starts_pending_with_a_checkout_page(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)

    payload = await start(gql, family, meals.id, 2500, "start-1")

    assert payload["errors"] == []
    top_up = payload["topUp"]
    assert (top_up["status"], top_up["amount"], top_up["wallet"]["name"]) == (
        "PENDING",
        {"cents": 2500},
        "Repas",
    )
    assert top_up["checkoutUrl"].startswith("http://cartable.test/sandbox-psp/checkout/")
    assert await start(gql, family, meals.id, 2500, "start-1") == payload
    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 0]
    node = await gql.as_(family.parent.token).data(
        "query($id: ID!) { node(id: $id) { ... on TopUp { status amount { cents } } } }",
        {"id": top_up["id"]},
    )
    assert node == {"node": {"status": "PENDING", "amount": {"cents": 2500}}}
    stranger = await make_family(tx, await make_school(tx))
    hidden = await gql.as_(stranger.parent.token).data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": top_up["id"]}
    )
    assert hidden == {"node": None}


@pytest.mark.parametrize(
    ("cents", "codes"),
    [
        (499, ["INVALID_AMOUNT"]),
        (500, []),
        (50_000, []),
        (50_001, ["INVALID_AMOUNT"]),
        (-1, ["INVALID_AMOUNT"]),
    ],
)
async def test_amounts_within_the_schools_limits(
    gql: GraphQL, tx: Transactions, cents: int, codes: list[str]
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    assert error_codes(await start(gql, family, meals.id, cents, "k")) == codes


async def test_refused_when_off_or_not_theirs(gql: GraphQL, tx: Transactions) -> None:
    off = await make_family(tx, await make_school(tx, feature_online_top_up=False))
    meals, _ = await wallets_of(tx, off.child)
    assert error_codes(await start(gql, off, meals.id, 1000, "k")) == ["FEATURE_DISABLED"]
    family = await make_family(tx, await make_school(tx))
    assert error_codes(await start(gql, family, meals.id, 1000, "k")) == ["NOT_FOUND"]


async def test_duplicated_and_out_of_order_webhooks_credit_each_payment_once(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, runtime: Runtime
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    first = await payment_of(tx, (await start(gql, family, meals.id, 2000, "a"))["topUp"]["id"])
    second = await payment_of(
        tx, (await start(gql, family, activities.id, 700, "b"))["topUp"]["id"]
    )

    deliveries = [
        (second, PaymentStatus.PAID),
        (first, PaymentStatus.PAID),
        (second, PaymentStatus.PAID),
        (first, PaymentStatus.FAILED),  # late and contradictory: a paid payment stays paid
        (first, PaymentStatus.PAID),
        (second, PaymentStatus.PAID),
        (first, PaymentStatus.PAID),
        (second, PaymentStatus.PAID),
        (first, PaymentStatus.PAID),
        (second, PaymentStatus.PAID),
    ]
    outcomes = []
    for payment, status in deliveries:
        response = await deliver(http, runtime, payment, status)
        assert response.status_code == 200
        outcomes.append(response.json()["outcome"])

    assert outcomes.count("credited") == 2
    assert await balances(gql.as_(family.parent.token), family.child.id) == [2000, 700]


async def test_forged_altered_or_stale_webhooks_are_refused_and_credit_nothing(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, runtime: Runtime, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    payment = await payment_of(tx, (await start(gql, family, meals.id, 2000, "f"))["topUp"]["id"])
    provider = sandbox(runtime)

    forger = SandboxProvider(b"not the secret", provider.public_url, provider.clock)
    body, headers = forger.webhook(payment, PaymentStatus.PAID, "evt_forged")
    assert (await http.post(WEBHOOK, content=body, headers=headers)).status_code == 400

    body, headers = provider.webhook(payment, PaymentStatus.PAID, "evt_altered")
    altered = body.replace(b'"amount_cents":2000', b'"amount_cents":9000')
    assert (await http.post(WEBHOOK, content=altered, headers=headers)).status_code == 400
    assert (await http.post(WEBHOOK, content=body)).status_code == 400  # unsigned

    body, headers = provider.webhook(payment, PaymentStatus.PAID, "evt_stale")
    clock.advance(minutes=5, seconds=1)
    assert (await http.post(WEBHOOK, content=body, headers=headers)).status_code == 400
    assert (await http.post("/payments/webhooks/nobody", content=body)).status_code == 404

    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 0]
    body, headers = provider.webhook(payment, PaymentStatus.PAID, "evt_fresh")
    assert (await http.post(WEBHOOK, content=body, headers=headers)).json()["outcome"] == "credited"
    assert await balances(gql.as_(family.parent.token), family.child.id) == [2000, 0]


async def test_the_return_page_credits_nothing(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await start(gql, family, meals.id, 2000, "r")
    page = await http.get("/payments/return")
    assert page.status_code == 200 and "Merci" in page.text
    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 0]
