"""Record every HTTP exchange of a run (method, path, status) and map paths to schema operations.

A ``TrafficLog`` is an exchange observer: the collector subscribes its ``observe`` to the run's
``client.ExchangeObservers``, which every ``ApiClient`` and the ``requests`` session Schemathesis
sends through (``loader.route_through`` routes *all* of its traffic there) call once per exchange.
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

    def observe(self, response: Any) -> None:
        """Exchange observer: an httpx or requests response (``client.ExchangeObservers``)."""
        request = response.request
        self.record(request.method or "GET", str(request.url), response.status_code)

    def record(self, method: str, url: str, status: int) -> None:
        key = (method.upper(), api_path(url), int(status))
        with self._lock:
            self.counts[key] += 1
            if self.current_test:
                self.resources.setdefault(self.current_test, Counter())[resource_of(key[1])] += 1

    def resource_for(self, nodeid: str) -> str | None:
        seen = self.resources.get(nodeid)
        return seen.most_common(1)[0][0] if seen else None

    def as_list(self) -> list[dict[str, Any]]:
        return [{"method": m, "path": p, "status": s, "count": n} for (m, p, s), n in sorted(self.counts.items())]


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
