"""Exact-body assertions for the lifecycle error envelopes (lifecycle.md §0.1)."""

from __future__ import annotations

import httpx

from register_conformance.expect import expect_body, expect_json, expect_messages, expect_status, fail
from register_conformance.lifecycle.facts import (
    PARAM_MISSING_BODY,
    STATE_TRANSITION_BODY,
    UNAUTHORIZED_BODY,
    not_found_body,
)


def expect_state_transition_error(response: httpx.Response) -> None:
    """422 with exactly the StateTransitionError body (U+2019 apostrophe)."""
    __tracebackhide__ = True
    expect_status(response, 422)
    expect_body(response, STATE_TRANSITION_BODY)


def expect_unprocessable(response: httpx.Response, messages: list[str]) -> None:
    """422 ``{"errors":[{"error":"UnprocessableEntity","message":…}, …]}``, messages compared as a multiset."""
    __tracebackhide__ = True
    expect_messages(response, 422, messages)
    body = expect_json(response)
    wrong = [e for e in body["errors"] if not (isinstance(e, dict) and e.get("error") == "UnprocessableEntity"
                                                 and set(e) == {"error", "message"})]
    if wrong or set(body) != {"errors"}:
        fail(f"Unexpected 422 envelope\nReceived: {body!r}\n"
             'Expected: {"errors":[{"error":"UnprocessableEntity","message":"…"}, …]} and nothing else', response)


def expect_not_found(response: httpx.Response, message: str) -> None:
    """404 ``{"errors":[{"error":"NotFound","message": message}]}``."""
    __tracebackhide__ = True
    expect_status(response, 404)
    expect_body(response, not_found_body(message))


def expect_param_missing(response: httpx.Response) -> None:
    __tracebackhide__ = True
    expect_status(response, 422)
    expect_body(response, PARAM_MISSING_BODY)


def expect_unauthorized(response: httpx.Response) -> None:
    __tracebackhide__ = True
    expect_status(response, 401)
    expect_body(response, UNAUTHORIZED_BODY)
