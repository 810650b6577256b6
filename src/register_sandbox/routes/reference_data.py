"""``GET /api/{v}/reference-data`` (core.md §15): v2026.1 only, no authentication."""

from __future__ import annotations

from functools import lru_cache

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox import reference_data as ref
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import dumps, not_found, raw_json_response


@lru_cache(maxsize=64)
def _encoded(field: str) -> bytes:
    if field == "":
        return dumps({name: ref.payload(name) for name in ref.REFERENCE_DATA_FIELDS})
    return dumps(ref.payload(field))


@endpoint(auth=False)
async def reference_data(ctx: RequestContext) -> Response:
    """All code lists, or one with ``?field=``."""
    if ctx.version == "v2025.0":
        return not_found("Reference data is not available for version 'v2025.0'")
    field = ctx.request.query_params.get("field", "")
    if field and field not in ref.REFERENCE_DATA_FIELDS:
        return not_found(f"Reference data field '{field}' not found")
    return raw_json_response(_encoded(field))


ROUTES = [Route("/api/{version}/reference-data", reference_data, methods=["GET"]),
          Route("/api/{version}/reference-data.json", reference_data, methods=["GET"])]
