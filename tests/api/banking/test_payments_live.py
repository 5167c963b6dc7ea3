"""The app on a real uvicorn on a port that is not the default, PUBLIC_URL left unset: the
sandbox's checkout, its webhook and the return page all reach the port actually served. And a
restart between the payer's decision and the webhook's delivery loses nothing."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from payments.sandbox_delivery import WebhookSender
from server import create_app
from settings import Settings
from tests.api.wallets.queries import START_TOP_UP
from tests.factories import gid, make_family, make_school, wallets_of
from tests.support.backends import free_port
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from tests.support.ledger import assert_ledger_balanced
from tests.support.live import live_server


def served_settings(settings: Settings, port: int, clock: FakeClock) -> Settings:
    """The module's settings with PUBLIC_URL unset, served on `port`."""
    values = settings.model_dump(exclude={"public_url", "clock", "port"})
    values.update(
        port=port,
        sandbox_webhook_retry_seconds=0.05,
        # The webhook's own path is under test here, not the reconciler's.
        reconcile_after_seconds=10**6,
    )
    return Settings(**values, clock=clock)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[Starlette, str]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app), live_server(app, settings.port) as url:
        yield app, url


async def top_up(client: httpx.AsyncClient, token: str, wallet_id: int, key: str) -> dict:
    payload = (
        await GraphQL(client, token).data(
            START_TOP_UP, {"wallet": gid("Wallet", wallet_id), "cents": 1500, "key": key}
        )
    )["startOnlineTopUp"]
    assert payload["errors"] == [], payload
    return dict(payload["topUp"])


async def balance(client: httpx.AsyncClient, token: str, wallet_id: int) -> int:
    query = "query($id: ID!) { node(id: $id) { ... on Wallet { balance { cents } } } }"
    data = await GraphQL(client, token).data(query, {"id": gid("Wallet", wallet_id)})
    return int(data["node"]["balance"]["cents"])


@pytest.mark.usefixtures("db")
async def test_a_sandbox_payment_completes_on_a_non_default_port(
    settings: Settings, clock: FakeClock
) -> None:
    port = free_port()
    served = served_settings(settings, port, clock)
    assert served.public_url == f"http://127.0.0.1:{port}" and port != 8000

    async with serving(served) as (app, url), httpx.AsyncClient(base_url=url) as client:
        tx = app.state.runtime.transactions
        family = await make_family(tx, await make_school(tx))
        meals, _ = await wallets_of(tx, family.child)
        started = await top_up(client, family.parent.token, meals.id, "live-1")
        assert started["checkoutUrl"].startswith(f"{url}/sandbox-psp/checkout/")
        paid = await client.post(started["checkoutUrl"], data={"outcome": "paid"})
        assert paid.status_code == 303
        assert paid.headers["location"] == f"{url}/payments/return"
        assert (await client.get(paid.headers["location"])).status_code == 200
        assert await balance(client, family.parent.token, meals.id) == 1500
        await assert_ledger_balanced(tx)


@pytest.mark.usefixtures("db")
async def test_a_restart_between_payment_and_webhook_credits_after_the_restart(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    served = served_settings(settings, port, clock)

    async with serving(served) as (app, url), httpx.AsyncClient(base_url=url) as client:
        tx = app.state.runtime.transactions
        family = await make_family(tx, await make_school(tx))
        meals, _ = await wallets_of(tx, family.child)
        started = await top_up(client, family.parent.token, meals.id, "live-2")

        # The process stops right after recording the payer's decision: no webhook leaves.
        async def dies_before_sending(self: WebhookSender, payment_id: str) -> bool:
            raise ConnectionResetError("the process stopped")

        with monkeypatch.context() as patch:
            patch.setattr(WebhookSender, "send", dies_before_sending)
            patch.setattr(WebhookSender, "deliver_due", _nothing)
            died = await client.post(started["checkoutUrl"], data={"outcome": "paid"})
            assert died.status_code == 500
        assert await balance(client, family.parent.token, meals.id) == 0

    clock.advance(seconds=1)  # the delivery is due
    async with serving(served) as (app, url), httpx.AsyncClient(base_url=url) as client:
        # The new process's sender finds the delivery in the database and makes it.
        for _ in range(100):
            if await balance(client, family.parent.token, meals.id):
                break
            await asyncio.sleep(0.05)
        assert await balance(client, family.parent.token, meals.id) == 1500
        await assert_ledger_balanced(app.state.runtime.transactions)


async def _nothing(self: WebhookSender) -> int:
    return 0
