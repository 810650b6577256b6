"""Record every HTTP exchange of a run (method, path, status) and map paths to schema operations.

Three taps feed one ``TrafficLog``: the harness's ``RateLimitTransport`` (all ``ApiClient``
traffic), its ``ThrottledAdapter`` (the ``requests`` session Schemathesis sends through) and
Schemathesis's global ``after_call`` hook (cases sent some other way; an exchange already seen by
a harness tap is not counted twice). ``install``/``uninstall`` add and remove the taps, so an
in-process pytest run leaves nothing behind.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

#: Sub-resources that name their own feature; any other nested segment is an action on its parent.
NESTED_RESOURCES = ("degrees", "placements")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def api_path(url: str) -> str:
    """The path from ``/api/`` on (drops any base-URL prefix, query and fragment)."""
    path = urlsplit(url).path or "/"
    index = path.find("/api/")
    return path[index:] if index != -1 else path


def resource_of(path: str) -> str:
    """The resource a path addresses: ``trainees``, ``degrees``, ``placements``, ``info``, …"""
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["api"]:
        segments = segments[2:]
    for name in NESTED_RESOURCES:
        if name in segments[1:]:
            return name
    if not segments:
        return "api"
    first = segments[0].removesuffix(".json")
    return first if not first.startswith("{") else "api"


class TrafficLog:
    """Thread-safe counts of (method, path, status), plus the resources each test touched."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, int]] = Counter()
        self.current_test: str | None = None
        self.resources: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()
        self._last: tuple[str, str, int] | None = None

    def record(self, method: str, url: str, status: int, *, source: str = "client") -> None:
        key = (method.upper(), api_path(url), int(status))
        with self._lock:
            if source == "schemathesis" and self._last == key:
                # The same exchange already seen by the harness transport: count it once.
                self._last = None
                return
            self._last = key if source == "client" else None
            self.counts[key] += 1
            if self.current_test:
                self.resources.setdefault(self.current_test, Counter())[resource_of(key[1])] += 1

    def resource_for(self, nodeid: str) -> str | None:
        seen = self.resources.get(nodeid)
        return seen.most_common(1)[0][0] if seen else None

    def as_list(self) -> list[dict[str, Any]]:
        return [{"method": m, "path": p, "status": s, "count": n} for (m, p, s), n in sorted(self.counts.items())]


# -- taps -----------------------------------------------------------------------------------------
_ACTIVE: list[TrafficLog] = []
_ORIGINAL: dict[str, Any] = {}


def _transport_tap(original: Any) -> Any:
    def handle_request(self: Any, request: Any) -> Any:
        response = original(self, request)
        for log in _ACTIVE:
            log.record(request.method, str(request.url), response.status_code)
        return response

    handle_request.__wrapped__ = original  # type: ignore[attr-defined]
    return handle_request


def _adapter_tap(original: Any) -> Any:
    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        response = original(self, request, **kwargs)
        for log in _ACTIVE:
            log.record(request.method or "GET", str(request.url), response.status_code)
        return response

    send.__wrapped__ = original  # type: ignore[attr-defined]
    return send


def _after_call(context: Any, case: Any, response: Any) -> None:
    request = getattr(response, "request", None)
    url = getattr(request, "url", None) or case.formatted_path
    for log in _ACTIVE:
        log.record(case.method, str(url), response.status_code, source="schemathesis")


def _throttled_adapter() -> Any:
    """The harness's ``requests`` adapter (Schemathesis traffic), if this harness version has one."""
    from register_conformance import client

    return getattr(client, "ThrottledAdapter", None)


def install(log: TrafficLog) -> None:
    """Start feeding ``log`` from the harness transport and Schemathesis."""
    from register_conformance.client import RateLimitTransport

    if not _ACTIVE:
        _ORIGINAL["transport"] = RateLimitTransport.handle_request
        RateLimitTransport.handle_request = _transport_tap(RateLimitTransport.handle_request)  # type: ignore[method-assign]
        adapter = _throttled_adapter()
        if adapter is not None:
            _ORIGINAL["adapter"] = adapter.send
            adapter.send = _adapter_tap(adapter.send)
        try:
            from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

            GLOBAL_HOOK_DISPATCHER.register_hook_with_name(_after_call, "after_call")
            _ORIGINAL["schemathesis"] = GLOBAL_HOOK_DISPATCHER
        except Exception:  # Schemathesis missing or changed: the client tap still works
            _ORIGINAL.pop("schemathesis", None)
    _ACTIVE.append(log)


def uninstall(log: TrafficLog) -> None:
    """Stop feeding ``log``; remove the taps when no log is left."""
    from register_conformance.client import RateLimitTransport

    if log in _ACTIVE:
        _ACTIVE.remove(log)
    if not _ACTIVE and "transport" in _ORIGINAL:
        RateLimitTransport.handle_request = _ORIGINAL.pop("transport")  # type: ignore[method-assign]
        adapter = _throttled_adapter()
        if adapter is not None and "adapter" in _ORIGINAL:
            adapter.send = _ORIGINAL.pop("adapter")
        dispatcher = _ORIGINAL.pop("schemathesis", None)
        if dispatcher is not None:
            dispatcher.unregister(_after_call)


# -- path templates (used by the parent with the official schema) ---------------------------------
class OperationMatcher:
    """Maps concrete ``/api/v2025.0/trainees/abc`` paths to schema templates and documented codes."""

    def __init__(self, paths: Mapping[str, Any]) -> None:
        self.documented: dict[tuple[str, str], list[str]] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for template, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            for method, operation in item.items():
                if method.lower() in HTTP_METHODS and isinstance(operation, Mapping):
                    codes = sorted(str(c) for c in (operation.get("responses") or {}))
                    self.documented[(method.upper(), template)] = codes
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            self._patterns.append((re.compile(f"^{regex}(?:\\.json)?/?$"), template))
        # literal segments beat parameters: more literal characters first
        self._patterns.sort(key=lambda p: -len(re.sub(r"\{[^}]*\}", "", p[1])))

    def template(self, method: str, path: str) -> str | None:
        """The schema template ``path`` belongs to (preferring one documenting ``method``)."""
        matches = [t for rx, t in self._patterns if rx.match(path)]
        for template in matches:
            if (method.upper(), template) in self.documented:
                return template
        return matches[0] if matches else None


def version_of(path: str, default: str, versions: Iterable[str]) -> str:
    """The API version named in ``/api/<version>/…`` if it is a known one, else ``default``."""
    segments = [s for s in path.split("/") if s]
    if len(segments) > 1 and segments[0] == "api" and segments[1] in versions:
        return segments[1]
    return default
