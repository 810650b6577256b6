"""``create_app(config)``: the Starlette application (routes, catch-all, rate limit, 500 handler)."""

from __future__ import annotations

import importlib
import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from register_sandbox import defects
from register_sandbox.auth import Authenticator
from register_sandbox.config import SandboxConfig
from register_sandbox.pipeline import Sandbox, catch_all_response
from register_sandbox.ratelimit import RateLimitMiddleware
from register_sandbox.responses import JSONResponse
from register_sandbox.serializers import TraineeSerializer
from register_sandbox.store import Store

log = logging.getLogger("register_sandbox")

#: Route modules, in matching order (the lifecycle ones may be absent).
ROUTE_MODULES = ("info", "reference_data", "trainees", "degrees", "placements", "transitions")


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(f"register_sandbox.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"register_sandbox.routes.{name}":
                continue
            raise
        routes.extend(getattr(module, "ROUTES", []))
    return routes


async def _catch_all(request: Request, exc: Exception) -> Response:
    return catch_all_response(request)


class InternalErrorMiddleware:
    """An unhandled error answers the service's 500 body and the connection stays usable.

    Starlette's own ``Exception`` handler re-raises after answering (so that the server can log it), and uvicorn
    then closes the connection: a client reusing it at that moment saw a connection reset instead of the 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:
                raise
            log.error("unhandled error on %s %s: %r", scope.get("method"), scope.get("path"), exc)
            await JSONResponse({"error": "Internal server error"}, 500)(scope, receive, send)


def create_app(config: SandboxConfig, store: Store | None = None) -> Starlette:
    """Build the app: open/seed the store, activate defects, wire routes and middleware."""
    defects.activate(config.defects)
    store = store or Store(config.db_path, config.clock, config.trn_delay, config.award_delay)
    authenticator = Authenticator(store, config.token_secret)
    authenticator.seed(config.providers)
    middleware = [Middleware(InternalErrorMiddleware)]
    if config.rate_limit is not None:
        limit, period = config.rate_limit
        middleware.append(Middleware(RateLimitMiddleware, limit=limit, period=period, clock=config.clock))
    app = Starlette(
        routes=_routes(),
        middleware=middleware,
        exception_handlers={404: _catch_all, 405: _catch_all},
    )
    app.state.sandbox = Sandbox(config, store, authenticator, TraineeSerializer(store))
    return app
