"""Mail caused by an API call reaches a real SMTP server, even when it was down at the time."""

import asyncio

import httpx

from mailer.worker import OutboxWorker
from models.accounts import Role
from models.db import Database
from schema.ids import to_global_id
from server import create_app
from settings import Settings
from tests.factories import make_child, make_school, make_user
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.backends import free_port
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

INVITE = """mutation($c: ID!, $e: String!) {
  inviteParent(username: "smtp.parent", email: $e, displayName: "Parent", childIds: [$c]) {
    user { id } errors { code } } }"""


async def wait_for(recorder: Recorder, count: int, worker: OutboxWorker) -> None:
    for _ in range(100):
        if len(recorder.received) >= count:
            return
        worker.wake()
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(recorder.received)} mails received, expected {count}")


async def test_an_invitation_waits_out_an_smtp_outage(
    settings: Settings, clock: FakeClock, db: Database
) -> None:
    port = free_port()
    app = create_app(settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"}))
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        tx = runtime.transactions
        school = await make_school(tx)
        staff = await make_user(tx, school, Role.STAFF)
        child = await make_child(tx, school)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            gql = GraphQL(http, staff.token)
            assert child.id is not None
            variables = {"c": to_global_id("Child", child.id), "e": "smtp.parent@example.org"}
            payload = await gql.data(INVITE, variables)
            assert payload["inviteParent"]["errors"] == []  # answered although SMTP is down
        worker: OutboxWorker = runtime.mail_worker
        with smtp_server(port) as recorder:
            clock.advance(minutes=10)  # past the back-off of the failed first attempt
            await wait_for(recorder, 1, worker)
            await asyncio.sleep(0.2)
            worker.wake()
            await asyncio.sleep(0.2)
            [mail] = recorder.received
            assert mail.rcpt_tos == ["smtp.parent@example.org"]
            assert "smtp.parent" in mail.message().get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
