"""A logout whose push is lost while the broadcast is down still closes the session's sockets:
once the broadcast is back, every open socket's session is checked again."""

import httpx
import pytest

from models.db import Database
from server import create_app
from settings import Settings
from tests.factories import make_family, make_school
from tests.pubsub.helpers import PrivateRedis
from tests.support.live import GraphQLSocket, live_server

# The broadcast listener reconnects with back-off (up to 5 s between attempts by default).
BACK_WITHIN = 15.0


async def logout(http: httpx.AsyncClient, token: str) -> None:
    response = await http.post(
        "/graphql",
        json={"query": "mutation { logout }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json() == {"data": {"logout": True}}


@pytest.mark.redis
async def test_a_revocation_lost_in_an_outage_still_closes_the_socket(
    settings: Settings, db: Database
) -> None:
    """`db`: the module's database (SQLite or PostgreSQL), its tables created."""
    redis = PrivateRedis()
    await redis.start()
    try:
        app = create_app(settings.model_copy(update={"broadcast_url": redis.url}))
        async with (
            app.router.lifespan_context(app),
            live_server(app) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as http,
        ):
            tx = app.state.runtime.transactions
            school = await make_school(tx)
            first, family, bystander = [await make_family(tx, school) for _ in range(3)]
            async with (
                GraphQLSocket.connect(url, first.parent.token) as first_socket,
                GraphQLSocket.connect(url, family.parent.token) as socket,
                GraphQLSocket.connect(url, bystander.parent.token) as other,
            ):
                # Revocations are pushed while the broadcast is up...
                await logout(http, first.parent.token)
                assert (await first_socket.wait_closed()).code == 4403
                # ... and this one's push is lost.
                await redis.kill()
                await logout(http, family.parent.token)
                await redis.start()
                assert (await socket.wait_closed(timeout=BACK_WITHIN)).code == 4403
                await other.send({"type": "ping"})
                assert (await other.receive())["type"] == "pong"
    finally:
        await redis.kill()
