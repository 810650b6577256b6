"""The per-request pipeline shared by every endpoint (core.md §2.1): version allow-list, catch-all,
authentication, body parsing and error mapping. Rate limiting is ASGI middleware (``ratelimit.py``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from register_sandbox.auth import Authenticator
from register_sandbox.bodies import MalformedJSON, filter_permitted, is_form_type, is_json_type, parse_form, parse_json
from register_sandbox.config import LATEST_VERSION, SandboxConfig
from register_sandbox.defects import is_active
from register_sandbox.lifecycle.matrix import write_locked
from register_sandbox.responses import (
    ApiError,
    JSONResponse,
    bad_json,
    not_found,
    param_missing,
    payload_too_large,
    state_transition_error,
    unauthorized,
)
from register_sandbox.store import Provider, Store, TraineeRow

VERSION_PATTERN = re.compile(r"^v[.0-9]+(-pre|-rc)?$")
API_PATH = re.compile(r"^/api/(v[.0-9]+(?:-pre|-rc)?)(?:/.*)?$")
_NO_BODY = object()


@dataclass
class Sandbox:
    """Process-wide objects shared by all requests (``app.state.sandbox``)."""

    config: SandboxConfig
    store: Store
    authenticator: Authenticator
    serializer: Any = None


def canonical_version(raw: str, allowed: Collection[str]) -> str | None:
    """The served version for a path segment, or ``None`` when not served (→ catch-all 404)."""
    if raw in allowed:
        return raw
    if is_active("version-unknown-served") and VERSION_PATTERN.match(raw):  # defect: no allow-list
        return LATEST_VERSION
    if raw == "v2025.0-rc" and "v2025.0" in allowed:
        return "v2025.0"
    return None


class RequestContext:
    """What a handler needs: version, provider, store, config, clock and body helpers."""

    __slots__ = ("_body", "config", "provider", "request", "requested_version", "sandbox", "store", "version")

    def __init__(self, request: Request, sandbox: Sandbox, version: str, requested: str) -> None:
        self.request = request
        self.sandbox = sandbox
        self.config = sandbox.config
        self.store = sandbox.store
        self.version = version
        self.requested_version = requested
        self.provider: Provider = Provider(0, "", "")
        self._body: Any = _NO_BODY

    @property
    def enhanced_errors(self) -> bool:
        """``Enhanced-Errors: true`` exactly."""
        return self.request.headers.get("enhanced-errors") == "true"

    def now(self) -> datetime:
        """The injectable clock (aware UTC)."""
        return self.config.clock()

    def today(self) -> date:
        """Today's date from the clock."""
        return self.config.clock().date()

    def path_param(self, name: str) -> str:
        """A path parameter with a trailing ``.json`` format suffix removed."""
        value = str(self.request.path_params.get(name, ""))
        return value[:-5] if value.endswith(".json") else value

    async def body(self) -> Any:
        """The parsed body: JSON (400 when malformed), form-encoded, or ``None``."""
        if self._body is not _NO_BODY:
            return self._body
        raw = await _read_capped(self.request, self.config.max_body_bytes)
        content_type = self.request.headers.get("content-type", "")
        try:
            if is_json_type(content_type):
                self._body = parse_json(raw)
            elif is_form_type(content_type):
                self._body = parse_form(raw)
            else:
                self._body = None
        except MalformedJSON as exc:
            if is_active("robust-malformed-json-500"):  # defect: the parser error is not mapped to 400
                raise RuntimeError(str(exc)) from None
            raise ApiError(bad_json(str(exc))) from None
        return self._body

    async def raw_data(self) -> dict[str, Any]:
        """The unfiltered ``data`` object; 422 param-missing unless it is a non-empty object."""
        body = await self.body()
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not data:
            raise ApiError(param_missing())
        return data

    async def data(self, permitted: Collection[str], arrays: Collection[str] = (),
                   object_arrays: Collection[str] = ()) -> dict[str, Any]:
        """The ``data`` object filtered to permitted keys; 422 param-missing if empty afterwards."""
        filtered = filter_permitted(await self.raw_data(), set(permitted), set(arrays), set(object_arrays))
        if not filtered:
            raise ApiError(param_missing())
        return filtered

    def load_trainee(self) -> TraineeRow:
        """The provider's trainee named by the ``trainee_id`` path param, or 404."""
        row = self.store.get_trainee(self.provider.pk, self.path_param("trainee_id"))
        if row is None:
            raise ApiError(not_found("Trainee(s) not found"))
        return row

    def trainee_response(self, row: TraineeRow, status: int = 200) -> Response:
        """``{"data": <trainee>}`` for the row as currently stored (children included)."""
        from register_sandbox.serializers import trainee_object

        fresh = self.store.get_trainee_by_pk(row.pk) or row
        return JSONResponse({"data": trainee_object(self.store, fresh, self.version, self.provider)}, status)

    def assert_writable(self, row: TraineeRow) -> None:
        """The v2026.1 write lock (``lifecycle.matrix``): 422 StateTransitionError in the complete states."""
        if write_locked(row.state, self.version):
            raise ApiError(state_transition_error())


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(payload_too_large())
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(payload_too_large())
        chunks.append(chunk)
    return b"".join(chunks)


Handler = Callable[[RequestContext], Awaitable[Response]]


def _authenticate(request: Request, sandbox: Sandbox) -> Provider | None:
    return sandbox.authenticator.authenticate(request.headers.get("authorization"),
                                              sandbox.config.clock().date())


def catch_all_response(request: Request) -> Response:
    """Unknown route/version/method: inside the API namespace auth runs first (401), then 404."""
    if not API_PATH.match(request.url.path):
        return JSONResponse({"error": "Resource not found"}, 404)
    sandbox: Sandbox = request.app.state.sandbox
    if _authenticate(request, sandbox) is None:
        return unauthorized()
    return not_found("Not found")


def endpoint(handler: Handler | None = None, *, auth: bool = True) -> Any:
    """Wrap ``async def handler(ctx) -> Response`` as a Starlette endpoint (see module docstring)."""

    def wrap(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(fn)
        async def run(request: Request) -> Response:
            sandbox: Sandbox = request.app.state.sandbox
            raw = request.path_params.get("version", "")
            version = canonical_version(raw, sandbox.config.versions)
            if version is None:
                return catch_all_response(request)
            ctx = RequestContext(request, sandbox, version, raw)
            try:
                if auth:
                    provider = _authenticate(request, sandbox)
                    if provider is None:
                        return unauthorized()
                    ctx.provider = provider
                return await fn(ctx)
            except ApiError as exc:
                return exc.response

        return run

    return wrap(handler) if handler is not None else wrap
