"""Reading and writing HAR 1.2 files as ``Exchange`` records; credentials never kept.

The reader takes what browsers, mitmproxy, Charles, Postman and most HTTP tools export: entries in any
order (sorted here by ``startedDateTime``, ties kept in file order), repeated headers, base64 bodies,
bodies stripped by the tool (noted on the exchange, not judged), and sanitized exports without any
``Authorization`` header (noted; a missing header is then judged only where the server answered 401).
``Authorization`` keeps only its scheme word, cookies and ``Set-Cookie`` are redacted, and the HAR's
``cookies`` arrays are never read.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from register_conformance import __version__
from register_conformance.clientcert.exchange import SURROGATE_ESCAPE, Exchange, redact_exchange_headers
from register_conformance.clientcert.rules_request import AUTH_NOT_RECORDED, BODY_METHODS, BODY_NOT_RECORDED
from register_conformance.errors import ConformanceError

HAR_CLIENT = "har"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins valid pairs: what is left is alone


class HarError(ConformanceError):
    """The HAR file cannot be read (missing, not JSON, not HAR)."""


def read_har(path: str | Path) -> list[Exchange]:
    """The exchanges of a HAR file, in time order, ``seq`` 0..n-1. Bad input raises ``HarError`` (one line)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HarError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
        doc = json.loads(text)
    except UnicodeDecodeError:
        raise HarError(f"{path}: not a HAR file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise HarError(f"{path}: not a HAR file (invalid JSON at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise HarError(f"{path}: not a HAR file (JSON nested too deeply)") from None
    if SURROGATE_ESCAPE.search(text):  # "\ud800" alone is not text: shown as U+FFFD, as a browser would
        doc = _replace_lone_surrogates(doc)
    log = doc.get("log") if isinstance(doc, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries list)")
    parsed = [_entry(path, i, e) for i, e in enumerate(entries)]
    parsed.sort(key=lambda p: (p[0], p[1]))
    if not any(any(k.lower() == "authorization" for k, _ in f["request_headers"]) for _, _, f in parsed):
        for _, _, fields in parsed:  # a sanitized export: no entry kept its Authorization header
            fields["notes"] = (*fields["notes"], AUTH_NOT_RECORDED)
    return [Exchange(seq=seq, **fields) for seq, (_, _, fields) in enumerate(parsed)]


def _entry(path: Path, index: int, entry: Any) -> tuple[float, int, dict[str, Any]]:
    where = f"{path}: entry {index}"
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        raise HarError(f"{where}: no request object")
    request = entry["request"]
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        raise HarError(f"{where}: request.method and request.url are required")
    started = _timestamp(entry.get("startedDateTime"), where)
    method = method.upper()
    try:
        url = _without_userinfo(url)
    except ValueError as exc:  # e.g. http://[::1/… (an unclosed IPv6 address)
        raise HarError(f"{where}: request.url {url[:80]!r} is not a URL ({exc})") from None
    notes: list[str] = []
    body = _post_data(request.get("postData"), where)
    if body is None and method in BODY_METHODS:
        notes.append(BODY_NOT_RECORDED)
    status = response.get("status")
    status = status if isinstance(status, int) and status > 0 else None
    elapsed = entry.get("time")
    fields = {
        "started": started,
        "client": HAR_CLIENT,
        "method": method,
        "url": url,
        "request_headers": redact_exchange_headers(_headers(request.get("headers"), where)),
        "request_body": body,
        "status": status,
        "response_headers": redact_exchange_headers(_headers(response.get("headers"), where)),
        "response_body": _content(response.get("content"), where),
        "elapsed_ms": float(elapsed) if isinstance(elapsed, int | float) and 0 <= elapsed < math.inf else None,
        "notes": tuple(notes),
    }
    return started, index, fields


def _replace_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_lone_surrogates(k): _replace_lone_surrogates(v) for k, v in value.items()}
    return value


def _without_userinfo(url: str) -> str:
    """``https://user:secret@host/…`` → ``https://host/…`` (credentials in a URL never reach a report)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _timestamp(value: Any, where: str) -> float:
    if not isinstance(value, str):
        raise HarError(f"{where}: startedDateTime is missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HarError(f"{where}: startedDateTime {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _headers(value: Any, where: str) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise HarError(f"{where}: headers must be a list")
    out = []
    for h in value:
        if isinstance(h, dict) and isinstance(h.get("name"), str):
            out.append((h["name"], str(h.get("value", ""))))
    return out


def _decode(text: Any, encoding: Any, where: str) -> str | None:
    if not isinstance(text, str):
        return None
    if encoding == "base64":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            raise HarError(f"{where}: a body marked base64 is not valid base64") from None
    return text


def _post_data(value: Any, where: str) -> str | None:
    if not isinstance(value, dict):
        return None
    text = _decode(value.get("text"), value.get("encoding"), where)
    if text is None and isinstance(value.get("params"), list):
        pairs = [(p.get("name", ""), p.get("value", "")) for p in value["params"] if isinstance(p, dict)]
        return urlencode(pairs)
    return text


def _content(value: Any, where: str) -> str | None:
    if not isinstance(value, dict):
        return None
    return _decode(value.get("text"), value.get("encoding"), where)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _mime(headers: Sequence[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


def to_har(exchanges: Sequence[Exchange]) -> dict[str, Any]:
    """A HAR 1.2 document of ``exchanges`` (already redacted; redacted again on the way out)."""
    entries = []
    for ex in exchanges:
        request_headers = redact_exchange_headers(ex.request_headers)
        response_headers = redact_exchange_headers(ex.response_headers)
        request: dict[str, Any] = {
            "method": ex.method, "url": ex.url, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in request_headers],
            "queryString": [{"name": k, "value": v} for k, v in ex.query],
            "headersSize": -1, "bodySize": len(ex.request_body.encode()) if ex.request_body is not None else 0,
        }
        if ex.request_body is not None:
            request["postData"] = {"mimeType": _mime(request_headers), "text": ex.request_body}
        body = ex.response_body or ""
        entry: dict[str, Any] = {
            "startedDateTime": _iso(ex.started), "time": ex.elapsed_ms if ex.elapsed_ms is not None else 0,
            "request": request,
            "response": {
                "status": ex.status or 0, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                "headers": [{"name": k, "value": v} for k, v in response_headers],
                "content": {"size": len(body.encode()), "mimeType": _mime(response_headers), "text": body},
                "redirectURL": "", "headersSize": -1, "bodySize": len(body.encode()),
            },
            "cache": {}, "timings": {"send": 0, "wait": ex.elapsed_ms or 0, "receive": 0},
            "_seq": ex.seq, "_client": ex.client,
        }
        if ex.injected:
            entry["_injected"] = ex.injected
        if ex.status is None:
            entry["response"]["_error"] = "no response reached the client"
        entries.append(entry)
    return {"log": {"version": "1.2", "creator": {"name": "register-conformance", "version": __version__},
                    "entries": entries}}


def write_har(exchanges: Sequence[Exchange], path: str | Path) -> None:
    """Write ``exchanges`` as a HAR 1.2 file; an unwritable path raises ``HarError``."""
    try:
        Path(path).write_text(json.dumps(to_har(exchanges), ensure_ascii=False), encoding="utf-8")  # C encoder
    except OSError as exc:
        raise HarError(f"cannot write {path}: {exc.strerror or exc}") from None
