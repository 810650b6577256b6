"""``GET /api/{v}/info`` (core.md §1.5)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox.config import LATEST_VERSION
from register_sandbox.defects import is_active
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import JSONResponse


@endpoint
async def info(ctx: RequestContext) -> Response:
    """Status and the requested/latest versions."""
    latest = ctx.requested_version if is_active("version-info-latest-wrong") else LATEST_VERSION
    return JSONResponse({"status": "ok", "version": {"requested": ctx.requested_version, "latest": latest}})


ROUTES = [Route("/api/{version}/info", info, methods=["GET"]),
          Route("/api/{version}/info.json", info, methods=["GET"])]
