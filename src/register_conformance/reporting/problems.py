"""Failures grouped by root cause: one *problem* per signature, across tests, suites and versions.

A failure's signature is what broke:

* ``status`` — an unexpected status code (``expect_status``, Schemathesis' status checks, the schema
  check of a lifecycle response): operation (method and path template), status received and
  expected — the same wrong status is one problem whichever test or suite saw it;
* ``body`` — a response field that breaks the schema: the field path (list indices and the ``data``
  envelope left out, so ``date_of_birth`` in show, create and index responses is one problem);
* ``rule`` — otherwise the requirement the failure names (the failing step's, or the check's) and the
  status received, on whichever operations it showed; for a Schemathesis check that names its finding
  (``ignored_auth``: which credential the probe carried) the check and that finding instead of the
  status, which is incidental there (a probe with a wrong token that gets through answers whatever the
  operation answers: 200, 201, 409…); its statement is the first failure's own one-line ``statement``
  when it has one (an input-corpus case: "valid create row 0: 422 date_of_birth …"), else the
  requirement's title;
* ``test`` — a failure naming no requirement stays its own problem.

Schemathesis deduplicates its own failures the same way within one operation; this does it across the
suites. Problems come most-seen first; each keeps the first failure's exchange and curl line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from register_conformance.reporting.traffic import OperationMatcher, api_path


def _operation(failure: Mapping[str, Any], matchers: Mapping[str, OperationMatcher]) -> tuple[str, str] | None:
    request = failure.get("request")
    if not isinstance(request, Mapping) or not request.get("url"):
        return None
    method = str(request.get("method") or "GET").upper()
    path = api_path(str(request["url"]))
    template = None
    for version in dict.fromkeys([failure.get("api_version"), *matchers]):
        matcher = matchers.get(version) if version else None
        if matcher is not None:
            template = matcher.template(method, path)
            if template:
                break
    shown = template or urlsplit(path).path
    for prefix in ("/api/{api_version}", f"/api/{failure.get('api_version')}"):
        if shown.startswith(prefix):
            shown = shown[len(prefix):] or "/"
            break
    return method, shown


def signature(failure: Mapping[str, Any], matchers: Mapping[str, OperationMatcher]) -> dict[str, Any]:
    """The root-cause signature of one failure (see the module docstring)."""
    sig = failure.get("signature") or {}
    kind = sig.get("kind")
    operation = _operation(failure, matchers)
    response = failure.get("response") if isinstance(failure.get("response"), Mapping) else {}
    status = response.get("status") if response else None
    named = failure.get("failed_requirements") or []
    requirement = named[0] if len(named) == 1 else None
    out: dict[str, Any] = {"operation": " ".join(operation) if operation else None, "status": status}
    if kind == "status" and operation:
        out.update(kind="status", expected=sig.get("expected"))
    elif kind == "body" and operation:
        out.update(kind="body", field=_field(sig.get("field")), requirement=requirement)
    elif requirement and kind not in (None, "status", "body") and sig.get("field"):
        out.update(kind="rule", requirement=requirement, check=kind, finding=sig["field"])
    elif requirement:
        out.update(kind="rule", requirement=requirement)
    else:
        out.update(kind="test", test=failure.get("nodeid"))
    return out


def _one_line(text: str | None, limit: int = 160) -> str | None:
    line = " ".join(str(text or "").split())
    return (line[:limit - 1] + "…" if len(line) > limit else line) or None


def _field(path: str | None) -> str:
    """``data/0/date_of_birth`` → ``date_of_birth``: the field, wherever the response carries it."""
    parts = [p for p in str(path or "").split("/") if p and not p.isdigit()]
    if parts[:1] == ["data"]:
        parts = parts[1:]
    return "/".join(parts) or "(root)"


def key_of(sig: Mapping[str, Any]) -> str:
    """A stable text key of a signature (compared across runs by ``compare``)."""
    kind = sig.get("kind")
    if kind == "status":
        parts = [kind, sig.get("operation"), sig.get("status"), sig.get("expected")]
    elif kind == "body":
        parts = [kind, sig.get("field")]
    elif kind == "rule" and sig.get("check"):
        parts = [kind, sig.get("requirement"), sig.get("check"), sig.get("finding")]
    elif kind == "rule":
        parts = [kind, sig.get("requirement"), sig.get("status")]
    else:
        parts = [kind, sig.get("test")]
    return " | ".join("" if p is None else str(p) for p in parts)


def statement(sig: Mapping[str, Any], requirement_title: str | None, operations: Sequence[str] = (),
              seen: str | None = None) -> str:
    """One line a reader acts on: ``POST /trainees answers 200; the facts require 201``.

    ``seen``: the first failure's own statement, which a ``rule`` problem reads instead of the
    requirement's title (the title stays in the problem's ``requirement_title``).
    """
    op, status, kind = sig.get("operation"), sig.get("status"), sig.get("kind")
    if kind == "status":
        expected = sig.get("expected")
        return (f"{op} answers {status}; the facts require {expected}" if expected
                else f"{op} answers {status}, a status the schema does not document for it")
    more = f" (+{len(operations) - 1} more operations)" if len(operations) > 1 else ""
    where = f" — {op} → {status}{more}" if op else ""
    if kind == "body":
        return f"Response field {sig.get('field') or '(root)'} breaks the schema{where}"
    if kind == "rule":
        return f"{sig.get('requirement')}: {seen or requirement_title or 'requirement broken'}{where}"
    return f"{sig.get('test')} failed without naming a requirement{where}"


def build_problems(failures: list[dict[str, Any]], matchers: Mapping[str, OperationMatcher],
                   titles: Mapping[str, str], references: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """Group ``failures`` (summary entries, in run order) into problems; sets each failure's ``problem``."""
    groups: dict[str, dict[str, Any]] = {}
    for failure in failures:
        sig = signature(failure, matchers)
        key = key_of(sig)
        group = groups.get(key)
        if group is None:
            requirement = sig.get("requirement") or next(iter(failure.get("failed_requirements") or ()), None)
            group = groups[key] = {
                "key": key,
                "signature": sig,
                "operations": [],
                "requirement": requirement,
                "requirement_title": titles.get(requirement or ""),
                "reference": dict(references.get(requirement or "", {})),
                "requirements": [],
                "failures": [],
                "api_versions": [],
                "suites": [],
                "request": failure.get("request"),
                "response": failure.get("response"),
                "curl": failure.get("curl"),
                "message": failure.get("message"),
                "seen": _one_line((failure.get("signature") or {}).get("statement")),
                "baselined": True,
            }
        group["failures"].append(failure["id"])
        if sig.get("operation") and f"{sig['operation']} → {sig.get('status')}" not in group["operations"]:
            group["operations"].append(f"{sig['operation']} → {sig.get('status')}")
        for rid in failure.get("failed_requirements") or ():
            if rid not in group["requirements"]:
                group["requirements"].append(rid)
        for field, value in (("api_versions", failure.get("api_version")), ("suites", failure.get("suite"))):
            if value and value not in group[field]:
                group[field].append(value)
        group["baselined"] = group["baselined"] and bool(failure.get("baselined"))
        if group["request"] is None and failure.get("request") is not None:
            group.update(request=failure["request"], response=failure.get("response"), curl=failure.get("curl"))
    ordered = sorted(groups.values(), key=lambda g: (g["baselined"], -len(g["failures"])))
    for index, group in enumerate(ordered, 1):
        group["id"] = f"P{index}"
        group["statement"] = statement(group["signature"], titles.get(group["signature"].get("requirement") or ""),
                                       group["operations"], group.pop("seen"))
        group["count"] = len(group["failures"])
        group["fingerprint"] = hashlib.sha256(group["key"].encode()).hexdigest()[:12]
    by_key = {g["key"]: g["id"] for g in ordered}
    for failure in failures:
        failure["problem"] = by_key[key_of(signature(failure, matchers))]
    return ordered


def problems_of(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The problems of a summary; a format-1.0 summary (no ``problems``) gets one per failed requirement set."""
    if summary.get("problems") is not None:
        return list(summary["problems"])
    grouped: dict[str, dict[str, Any]] = {}
    for failure in summary.get("failures", ()):
        ids = failure.get("failed_requirements") or failure.get("requirements") or []
        key = f"rule | | | {','.join(ids) or failure.get('nodeid')}"
        group = grouped.setdefault(key, {"key": key, "statement": ", ".join(ids) or failure.get("nodeid"),
                                         "requirements": list(ids), "failures": [], "baselined": True})
        group["failures"].append(failure.get("id"))
        group["baselined"] = group["baselined"] and bool(failure.get("baselined"))
    for group in grouped.values():
        group["count"] = len(group["failures"])
    return list(grouped.values())


def versions_and_suites(problems: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    versions = sorted({v for p in problems for v in p.get("api_versions", ())})
    suites = sorted({s for p in problems for s in p.get("suites", ())})
    return versions, suites
