"""What every resolver receives as `info.context`."""

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from services.accounts.actor import Actor
from services.family.views import SchoolView, UserView
from services.sql.runtime import Runtime
from services.wallets.devices import DeviceActor


# Slotted: one lives as long as its websocket.
@dataclass(slots=True)
class Context:
    runtime: Runtime
    request: Request | WebSocket
    response: Response | None
    actor: Actor | None = None
    token: str | None = None
    locale: str = "fr"
    # The graphql-transport-ws connection_init payload (websockets only).
    connection_params: dict[str, Any] | None = None
    # A point-of-sale device (`Authorization: Device <key>`), instead of a user.
    device: DeviceActor | None = None
    # The signed-in user and their school as read while authenticating an HTTP request (the
    # viewer shows them); None over websockets, whose context lives as long as the socket.
    viewer_views: tuple[UserView, SchoolView] | None = None


Info = StrawberryInfo[Context, None]
