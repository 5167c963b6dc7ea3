"""An invoice paid at the sandbox's checkout page, on a real server over real HTTP: the payer
approves, the sandbox's signed webhook pays the invoice with an ONLINE payment of its due, the
guardian gets the receipt, and the ledger verifies."""

import httpx
import pytest

from models.accounts import Role
from settings import Settings
from tests.api.banking.test_payments_live import served_settings, serving
from tests.api.invoices.online import INVOICE, PAYMENT, START
from tests.api.invoices.support import issue
from tests.factories import gid, make_family, make_school, make_user, pk, wallets_of
from tests.support.backends import free_port
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from tests.support.ledger import assert_ledger_balanced
from tests.support.mail import mails_to, text_of


@pytest.mark.usefixtures("db")
async def test_the_sandbox_checkout_approved_pays_the_invoice(
    settings: Settings, clock: FakeClock
) -> None:
    served = served_settings(settings, free_port(), clock)
    async with serving(served) as (app, url), httpx.AsyncClient(base_url=url) as client:
        runtime = app.state.runtime
        tx = runtime.transactions
        school = await make_school(tx)
        staff = GraphQL(client, (await make_user(tx, school, Role.STAFF)).token)
        family = await make_family(tx, school)
        parent = GraphQL(client, family.parent.token)
        invoice = await issue(
            staff, gid("Child", pk(family.child)), "Théâtre", 1850, "2026-10-20", "2026-11-20"
        )
        started = (await parent.data(START, {"invoice": invoice["id"], "key": "live"}))[
            "startInvoicePayment"
        ]
        assert started["errors"] == []
        payment = started["payment"]
        assert payment["amount"] == {"cents": 1850}
        assert payment["checkoutUrl"].startswith(f"{url}/sandbox-psp/checkout/")

        page = await client.get(payment["checkoutUrl"])
        assert page.status_code == 200 and "18,50" in page.text
        approved = await client.post(payment["checkoutUrl"], data={"outcome": "paid"})
        assert approved.status_code == 303
        assert approved.headers["location"] == f"{url}/payments/return"

        # The webhook was answered before the browser was sent back: paid already.
        seen = (await parent.data(INVOICE, {"id": invoice["id"]}))["node"]
        assert seen == {
            "status": "PAID",
            "paid": {"cents": 1850},
            "due": {"cents": 0},
            "payments": [{"amount": {"cents": 1850}, "method": "ONLINE"}],
        }
        assert (await parent.data(PAYMENT, {"id": payment["id"]}))["node"]["status"] == "PAID"
        assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 0]
        mails = await mails_to(runtime, family.parent.user.email)
        [receipt] = [m for m in mails if "paiement reçu" in str(m["Subject"])]
        assert "18,50" in text_of(receipt)
        await assert_ledger_balanced(tx)
