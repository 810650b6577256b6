"""Assertion helpers for hand-written conformance tests.

Each helper hides itself from tracebacks and fails with "Received / Expected" text, raising a
``RequirementFailure`` that carries the response: the plugin's report hook shows its request,
response and curl reproduction (redacted), and a surrounding ``step(...)`` names the requirement.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from register_conformance.failures import RequirementFailure


def fail(message: str, response: httpx.Response | None = None, *, kind: str | None = None,
         expected: str | None = None) -> None:
    """Fail the test with ``message``; ``response`` is the exchange that showed it (if any)."""
    __tracebackhide__ = True
    raise RequirementFailure(message, response=response, kind=kind, expected=expected)


def expect_status(response: httpx.Response, *expected: int) -> httpx.Response:
    """The response has one of ``expected`` status codes."""
    __tracebackhide__ = True
    if response.status_code not in expected:
        fail(
            f"Unexpected response status\nReceived: {response.status_code}\n"
            f"Expected: {', '.join(map(str, expected))}",
            response, kind="status", expected=" or ".join(map(str, expected)),
        )
    return response


def expect_json(response: httpx.Response) -> Any:
    """The response is JSON (content type and body); returns the parsed body."""
    __tracebackhide__ = True
    ctype = response.headers.get("content-type", "")
    if "json" not in ctype:
        fail(f"Unexpected content type\nReceived: {ctype!r}\nExpected: application/json", response)
    try:
        return response.json()
    except ValueError:
        fail("Response body is not valid JSON", response)


def expect_body(response: httpx.Response, expected: Any) -> Any:
    """The JSON body equals ``expected`` exactly."""
    __tracebackhide__ = True
    body = expect_json(response)
    if body != expected:
        fail(f"Unexpected response body\nReceived: {body!r}\nExpected: {expected!r}", response)
    return body


def expect_error(response: httpx.Response, status: int, error: str, message: str) -> None:
    """``{"errors":[{"error": error, "message": message}]}`` with ``status``."""
    __tracebackhide__ = True
    expect_status(response, status)
    expect_body(response, {"errors": [{"error": error, "message": message}]})


def expect_messages(response: httpx.Response, status: int, expected: list[str], *, key: str = "errors",
                    exact: bool = True) -> list[str]:
    """Error messages compared as multisets (the API does not guarantee order).

    Accepts both ``{"errors": ["msg", ...]}`` and ``{"errors": [{"error": ..., "message": "msg"}]}``.
    With ``exact=False`` the expected messages need only be included.
    """
    __tracebackhide__ = True
    expect_status(response, status)
    body = expect_json(response)
    raw = body.get(key) if isinstance(body, dict) else None
    if not isinstance(raw, list):
        fail(f"Expected an {key!r} array\nReceived: {body!r}", response)
    got = [m["message"] if isinstance(m, dict) and "message" in m else m for m in raw]
    missing = Counter(expected) - Counter(got)
    extra = Counter(got) - Counter(expected)
    if missing or (exact and extra):
        fail(
            f"Unexpected error messages\nReceived: {sorted(map(str, got))}\nExpected: {sorted(expected)}"
            + (f"\nMissing: {sorted(missing.elements())}" if missing else "")
            + (f"\nUnexpected: {sorted(extra.elements())}" if exact and extra else ""),
            response,
        )
    return got
