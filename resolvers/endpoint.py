"""The GraphQL endpoint: HTTP (POST, GET for queries) and graphql-transport-ws websockets."""

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from graphql_runtime.public import BuiltSchema
from i18n.locales import preferred_locale
from resolvers.operation_scope import OPENED_READ_KEY
from resolvers.socket_sessions import SessionWatch, WatchedSocket
from schema.context import Context
from services.accounts import sessions
from services.accounts.credentials import bearer_token, device_key
from services.sql.runtime import Runtime
from services.wallets import devices
from web_access.guard import socket_token

# Where an admitted socket keeps its WatchedSocket (in its ASGI scope) until it closes.
WATCHED_KEY = "cartable.watched_socket"


class CartableGraphQL(GraphQL[Context, None]):
    def __init__(self, runtime: Runtime, built: BuiltSchema, **kwargs: Any) -> None:
        settings = runtime.settings
        # The engine's handler (shared frames, parked subscriptions), or strawberry's own.
        self.graphql_transport_ws_handler_class = built.websocket_handler
        super().__init__(
            built.schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=True,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
            allowed_origins=settings.allowed_origins,
            **kwargs,
        )
        self.runtime = runtime
        self.sessions = SessionWatch(runtime, settings.ws_max_sockets_per_user)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        actor = None
        views = None
        if token is not None:
            database, settings = self.runtime.database, self.runtime.settings
            if isinstance(request, Request):  # its query reads on with it (operation_scope)
                opened = request.scope[OPENED_READ_KEY] = self.runtime.transactions.shared_read()
                signed_in = await sessions.sign_in_request(database, settings, token, opened)
                if signed_in is not None:
                    actor, views = signed_in.actor, (signed_in.user, signed_in.school)
            else:
                actor = await sessions.authenticate(database, settings, token)
        key = device_key(request.headers.get("authorization"))
        device = (
            None if key is None else await devices.authenticate_device(self.runtime.database, key)
        )
        locale = actor.locale if actor else preferred_locale(request.headers.get("accept-language"))
        return Context(
            runtime=self.runtime,
            request=request,
            response=response if isinstance(response, Response) else None,
            actor=actor,
            token=token,
            locale=locale,
            device=device,
            viewer_views=views,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = getattr(context, "connection_params", None) or {}
        # Read once: the payload (a bearer token) is not kept for the socket's lifetime.
        context.connection_params = None
        token = bearer_token(params.get("authorization") or params.get("Authorization"))
        if token is None and isinstance(context.request, WebSocket):
            token = socket_token(context.request, self.runtime.settings)  # the app's own pages
        actor = None
        if token is not None:
            actor = await sessions.authenticate(self.runtime.database, self.runtime.settings, token)
        websocket = context.request
        if actor is None or not isinstance(websocket, WebSocket):
            raise ConnectionRejectionError()
        watched = self.sessions.admit(websocket, actor)
        if watched is None:
            raise ConnectionRejectionError()
        websocket.scope[WATCHED_KEY] = watched
        context.actor, context.token, context.locale = actor, token, actor.locale
        return UNSET

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if not isinstance(request, WebSocket):
            try:
                return await super().run(request, context, root_value)
            finally:
                # Opened by get_context and used by no query (a parse error, a mutation...).
                opened = request.scope.pop(OPENED_READ_KEY, None)
                if opened is not None:
                    await opened.close()
        try:
            return await super().run(request, context, root_value)
        finally:
            watched = request.scope.pop(WATCHED_KEY, None)
            if isinstance(watched, WatchedSocket):
                await self.sessions.release(watched)
