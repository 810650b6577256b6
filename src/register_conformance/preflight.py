"""Preflight: one ``GET /info`` before any test, so a wrong target fails fast with one clear line."""

from __future__ import annotations

import httpx

from register_conformance.client import ApiClient
from register_conformance.errors import TargetError


def preflight(client: ApiClient) -> dict:
    """Check the target serves ``client.api_version`` and accepts the token; return the /info body."""
    where = client.url("/info")
    try:
        response = client.get("/info")
    except httpx.ConnectError as exc:
        if "SSL" in str(exc) or "certificate" in str(exc).lower():
            raise TargetError(f"TLS failure talking to {where}: {exc}") from None
        raise TargetError(f"target unreachable: {where} ({exc.__class__.__name__}: {exc})") from None
    except httpx.TimeoutException:
        raise TargetError(f"target did not answer within {client.timeout:g}s: {where}") from None
    except httpx.HTTPError as exc:
        raise TargetError(f"cannot talk to {where}: {exc.__class__.__name__}: {exc}") from None
    status = response.status_code
    if status == 401:
        raise TargetError(f"the target rejected the token (401) at {where}: set REGISTER_API_TOKEN / --token")
    if status == 404:
        raise TargetError(f"the target does not serve API version {client.api_version} (404 at {where})")
    if status != 200:
        raise TargetError(f"unexpected status {status} from {where}")
    try:
        body = response.json()
    except ValueError:
        ctype = response.headers.get("content-type", "?")
        raise TargetError(f"{where} did not answer JSON (content type {ctype}): is this a Register API?") from None
    if not isinstance(body, dict) or body.get("status") != "ok":
        raise TargetError(f"{where} answered {str(body)[:80]!r}, not the Register API /info body")
    return body
