"""Response helpers and the error catalogue of core.md §5 / lifecycle.md §0.1."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json; charset=utf-8"
STE_MESSAGE = "It\u2019s not possible to perform this action while the trainee is in its current state"
PARAM_MISSING = "Param is missing or the value is empty or invalid: data"


def dumps(body: Any) -> bytes:
    """Compact JSON, UTF-8, non-ASCII kept as is."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class JSONResponse(Response):
    """A JSON response with the API's content type."""

    media_type = JSON_TYPE

    def __init__(self, body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(dumps(body), status_code=status_code, headers=headers)


def raw_json_response(payload: bytes, status_code: int = 200) -> Response:
    """Pre-encoded JSON bytes as a response."""
    from register_sandbox.defects import is_active

    media_type = "text/html; charset=utf-8" if is_active("shape-content-type") else JSON_TYPE
    return Response(payload, status_code=status_code, media_type=media_type)


def json_response(body: Any, status: int = 200) -> JSONResponse:
    """Any JSON body with the API content type."""
    return JSONResponse(body, status)


class ApiError(Exception):
    """Raised anywhere inside an endpoint to answer with ``response`` immediately."""

    def __init__(self, response: Response) -> None:
        super().__init__(getattr(response, "status_code", 0))
        self.response = response


def _error_objects(kind: str, messages: list[str]) -> list[dict[str, str]]:
    return [{"error": kind, "message": m} for m in messages]


def unauthorized() -> JSONResponse:
    """401 ``{"error":"Unauthorized"}`` (core.md §3.4)."""
    from register_sandbox.defects import is_active

    if is_active("auth-401-wrong-body"):
        return JSONResponse({"errors": _error_objects("Unauthorized", ["Unauthorized"])}, 401)
    return JSONResponse({"error": "Unauthorized"}, 401)


def not_found(message: str = "Not found") -> JSONResponse:
    """404 ``{"errors":[{"error":"NotFound","message":...}]}``."""
    from register_sandbox.defects import is_active

    if is_active("error-404-shape"):
        return JSONResponse({"error": message}, 404)
    return JSONResponse({"errors": _error_objects("NotFound", [message])}, 404)


def unprocessable(messages: list[str]) -> JSONResponse:
    """422 ``{"errors":[{"error":"UnprocessableEntity","message":...},...]}`` (lifecycle endpoints)."""
    return JSONResponse({"errors": _error_objects("UnprocessableEntity", list(messages))}, 422)


def state_transition_error() -> JSONResponse:
    """422 StateTransitionError with the typographic apostrophe."""
    return JSONResponse({"errors": _error_objects("StateTransitionError", [STE_MESSAGE])}, 422)


def param_missing() -> JSONResponse:
    """422 param-missing: an array of one plain string."""
    return JSONResponse({"errors": [PARAM_MISSING]}, 422)


def bad_json(message: str) -> JSONResponse:
    """400 malformed JSON: ``{"errors":["<Parser message>"]}``."""
    text = message[:1].upper() + message[1:].lower() if message else "Invalid json"
    return JSONResponse({"errors": [text]}, 400)


def conflict(message: str, data: list[Any]) -> JSONResponse:
    """409 with the matching records in ``data``."""
    return JSONResponse({"errors": _error_objects("Conflict", [message]), "data": data}, 409)


def payload_too_large() -> JSONResponse:
    """413 for bodies above the configured cap (sandbox protection, not a fact of the real API)."""
    return JSONResponse({"errors": ["Request body too large"]}, 413)


def validation_message(count: int, what: str = "prohibited this trainee from being saved") -> str:
    """``Validation failed: N error(s) …`` with the right noun."""
    from register_sandbox.defects import is_active

    noun = "error" if count == 1 and not is_active("error-422-count") else "errors"
    return f"Validation failed: {count} {noun} {what}"


def trainee_validation_failed(messages: list[str], enhanced: bool, version: str) -> JSONResponse:
    """422 for create/update field validation, default or Enhanced-Errors shape (core.md §5.3)."""
    from register_sandbox.enhanced_errors import enhance

    body_errors: Any = enhance(messages, version) if enhanced else list(messages)
    return JSONResponse({"message": validation_message(len(messages)), "errors": body_errors}, 422)
