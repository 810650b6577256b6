"""One observed HTTP exchange between a vendor's client and a Register API, tokens already redacted.

Produced by the live observer (``client serve``) and by the HAR reader (``client check``); read by the
judges, the reports and the live page. An ``Exchange`` never holds a credential: the ``Authorization``
value keeps only its scheme word *as the client sent it* (``Bearer`` or ``bearer``), so the judges can
still tell a lowercase scheme or a missing token from a good one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from register_conformance.redaction import REDACTED, SENSITIVE_HEADERS

_VERSION = re.compile(r"^/api/(?P<version>[^/]+)(?P<rest>/.*)?$")

Headers = tuple[tuple[str, str], ...]


def redact_authorization(value: str) -> str:
    """``Bearer abc`` → ``Bearer [REDACTED]``; a value with no scheme word → ``[REDACTED]``; empty stays empty."""
    value = value.strip()
    if not value:
        return ""
    scheme, _, credential = value.partition(" ")
    return f"{scheme} {REDACTED}" if credential.strip() else REDACTED


def redact_exchange_headers(headers: Any) -> Headers:
    """Headers as an ordered tuple of pairs with every credential redacted (repeats kept, names as sent)."""
    items = headers.items() if hasattr(headers, "items") else headers
    out: list[tuple[str, str]] = []
    for name, value in items:
        lower = name.lower()
        if lower == "authorization":
            out.append((name, redact_authorization(value)))
        elif lower in SENSITIVE_HEADERS:
            out.append((name, REDACTED))
        else:
            out.append((name, value))
    return tuple(out)


def api_route(path: str) -> str:
    """``/api/{version}/trainees/abc`` → ``/trainees/abc``; any path outside ``/api/{version}`` unchanged."""
    match = _VERSION.match(path)
    return (match.group("rest") or "/") if match else path


@dataclass(frozen=True)
class Exchange:
    """A request and what the client received (``status`` None: no response reached it)."""

    seq: int  # order of arrival, 0-based, unique within one recording
    started: float  # POSIX seconds when the request arrived (HAR: startedDateTime)
    client: str  # who sent it: the provider-token name (serve) or "har" (check)
    method: str  # upper case
    url: str  # as sent, query included; never holds a secret
    request_headers: Headers = ()  # credentials redacted (``redact_exchange_headers``)
    request_body: str | None = None
    status: int | None = None  # None: response lost on purpose, or the connection failed
    response_headers: Headers = ()
    response_body: str | None = None
    elapsed_ms: float | None = None
    injected: str | None = None  # id of the adverse response the observer served instead; None if genuine
    notes: tuple[str, ...] = field(default=())  # free text from the producer (e.g. "HAR body stripped")

    @cached_property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @cached_property
    def query(self) -> tuple[tuple[str, str], ...]:
        return tuple(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @cached_property
    def api_version(self) -> str | None:
        """The version segment of ``/api/{version}/…``, or None for any other path."""
        match = _VERSION.match(self.path)
        return match.group("version") if match else None

    @cached_property
    def route(self) -> str:
        """The path below the version (``/trainees/abc/degrees``), or the whole path outside ``/api/``."""
        return api_route(self.path)

    def request_header(self, name: str) -> str | None:
        return _first(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return _first(self.response_headers, name)

    def request_json(self) -> Any:
        """The request body parsed as JSON, or None when absent or not JSON."""
        return _json(self.request_body)

    def response_json(self) -> Any:
        return _json(self.response_body)


def _first(headers: Headers, name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


#: ``\\ud800``-``\\udfff`` escapes: only valid as a high + low pair (RFC 8259 §8.2).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _json(text: str | None) -> Any:
    """``text`` parsed as JSON; None when absent or not JSON (nested too deep, or a lone surrogate: not UTF-8)."""
    if not text:
        return None
    try:
        value = json.loads(text)
        if SURROGATE_ESCAPE.search(text):
            json.dumps(value, ensure_ascii=False).encode("utf-8")  # a lone surrogate cannot be encoded
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return None
    return value
