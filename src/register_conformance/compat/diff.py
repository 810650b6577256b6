"""The static diff: operation by operation, field by field, request and response side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from register_conformance.compat.model import Change, downgrade
from register_conformance.compat.renames import KnownRename, load_yaml_list, pair_renames
from register_conformance.compat.rules import RULES
from register_conformance.compat.walker import Field, Operation, operations

IGNORED_PARAMETERS = frozenset({"path.api_version"})
"""The version path parameter differs by definition between the two files."""

ERROR_BODY_REASON = "in an error response (error bodies are diagnostic): one class less severe"


@dataclass(frozen=True)
class Artefact:
    """A field that differs only because of how a file was generated (``data/compat/artefacts.yaml``)."""

    field: str
    versions: tuple[str, ...]
    reason: str
    rules: tuple[str, ...] = ()

    def matches(self, field: str, rule: str, version: str) -> bool:
        """Whether a change of ``rule`` on ``field`` seen in ``version`` is this artefact."""
        name = field.replace("[]", "").rsplit(".", 1)[-1]
        if self.field not in (field, name):
            return False
        if self.rules:
            return rule in self.rules
        return rule.endswith(("-removed", "-added")) and (not self.versions or version in self.versions)


def load_artefacts() -> tuple[Artefact, ...]:
    return tuple(
        Artefact(str(a["field"]), tuple(a.get("versions") or ()), str(a.get("reason", "")), tuple(a.get("rules") or ()))
        for a in load_yaml_list("artefacts.yaml")
    )


class _Collector:
    """Builds ``Change`` objects with the class of their rule and the diff's adjustments."""

    def __init__(self, from_version: str, to_version: str, artefacts: Iterable[Artefact]) -> None:
        self.from_version = from_version
        self.to_version = to_version
        self.artefacts = tuple(artefacts)
        self.changes: list[Change] = []

    def add(self, rule: str, message: str, *, operation: str, location: str = "", field: str = "",
            before: Any = None, after: Any = None, error_body: bool = False) -> None:
        severity = RULES[rule].severity
        reason = ""
        artefact = self._artefact(field, rule)
        if artefact is not None:
            severity, reason = "info", f"schema artefact: {artefact.reason}"
        elif error_body and severity != "info":
            severity, reason = downgrade(severity), ERROR_BODY_REASON
        self.changes.append(Change(rule=rule, severity=severity, message=message, operation=operation,
                                   location=location, field=field, before=before, after=after, reason=reason))

    def _artefact(self, field: str, rule: str) -> Artefact | None:
        if not field:
            return None
        side = self.from_version if rule.endswith("-removed") else self.to_version
        return next((a for a in self.artefacts if a.matches(field, rule, side)), None)


def _show(types: tuple[str, ...] | None) -> str:
    return "/".join(types) if types else "any"


def _top_level(paths: Iterable[str]) -> list[str]:
    """Paths whose ancestors are not in the set (report a removed object once, not each child)."""
    chosen = sorted(paths, key=lambda p: (p.count(".") + p.count("[]"), p))
    kept: list[str] = []
    for path in chosen:
        if not any(path.startswith(k + ".") or path.startswith(k + "[]") for k in kept if k) and (
                path != "" or not kept):
            kept.append(path)
    return sorted(kept)


def _label(path: str) -> str:
    return path or "(body)"


def diff_fields(col: _Collector, op: str, location: str, old: dict[str, Field], new: dict[str, Field], *,
                side: str, error_body: bool = False, renames: tuple[KnownRename, ...] | None = None) -> None:
    """Compare the flattened fields of one body (``side`` = ``request`` or ``response``)."""
    removed = {p: old[p] for p in _top_level(set(old) - set(new))}
    added = {p: new[p] for p in _top_level(set(new) - set(old))}
    kw = {"operation": op, "location": location, "error_body": error_body}
    for old_path, new_path, how in pair_renames(removed, added, renames):
        removed.pop(old_path)
        added.pop(new_path)
        note = "" if how == "known" else " (paired by name similarity)"
        required = " (required)" if side == "request" and new[new_path].required else ""
        col.add(f"{side}-property-renamed", f"{_label(old_path)} renamed to {_label(new_path)}{required}{note}",
                field=old_path, before=old_path, after=new_path, **kw)
        _compare(col, f"{side}", new_path, old[old_path], new[new_path], kw, renamed=True)
    for path in removed:
        col.add(f"{side}-property-removed", f"{_label(path)} removed", field=path, before=path, **kw)
    for path, info in added.items():
        if side == "request":
            rule = "new-required-request-property" if info.required and _parent_present(path, old) else \
                "new-optional-request-property"
            col.add(rule, f"{_label(path)} added" + (" (required)" if info.required else ""),
                    field=path, after=path, **kw)
        else:
            col.add("response-property-added", f"{_label(path)} added", field=path, after=path, **kw)
    for path in sorted(set(old) & set(new)):
        _compare(col, side, path, old[path], new[path], kw)


def _parent_present(path: str, old: dict[str, Field]) -> bool:
    """A new required field only breaks clients if its parent object already existed."""
    parent = path.rsplit(".", 1)[0] if "." in path else ""
    parent = parent[:-2] if parent.endswith("[]") else parent
    return parent in old


def _compare(col: _Collector, side: str, path: str, a: Field, b: Field, kw: dict[str, Any],
             renamed: bool = False) -> None:
    label = _label(path)
    req = side == "request"
    if a.type != b.type:
        if a.type is None:
            col.add(f"{side}-property-type-specified", f"{label} type now declared {_show(b.type)}", field=path,
                    before=None, after=_show(b.type), **kw)
        elif b.type is None:
            rule = "request-property-type-specified" if req else "response-property-type-unspecified"
            col.add(rule, f"{label} type no longer declared (was {_show(a.type)})", field=path,
                    before=_show(a.type), after=None, **kw)
        else:
            col.add(f"{side}-property-type-changed", f"{label} type {_show(a.type)} → {_show(b.type)}", field=path,
                    before=_show(a.type), after=_show(b.type), **kw)
    if a.nullable != b.nullable:
        rule = f"{side}-property-became-{'nullable' if b.nullable else 'not-nullable'}"
        col.add(rule, f"{label} {'may now be null' if b.nullable else 'no longer nullable'}", field=path,
                before=a.nullable, after=b.nullable, **kw)
    if a.required != b.required and path and not renamed:
        if req:
            rule = "request-property-became-required" if b.required else "request-property-became-optional"
        else:
            rule = "response-property-became-required" if b.required else "response-property-became-optional"
        col.add(rule, f"{label} {'now required' if b.required else 'now optional'}", field=path,
                before=a.required, after=b.required, **kw)
    _compare_enum(col, side, path, a.enum, b.enum, kw)
    if a.format != b.format:
        col.add(f"{side}-property-format-changed", f"{label} format {a.format or 'none'} → {b.format or 'none'}",
                field=path, before=a.format, after=b.format, **kw)
    if a.max_length != b.max_length:
        grew = b.max_length is None or (a.max_length is not None and b.max_length > a.max_length)
        rule = f"{side}-property-max-length-{'increased' if grew else 'decreased'}"
        col.add(rule, f"{label} maxLength {a.max_length} → {b.max_length}", field=path,
                before=a.max_length, after=b.max_length, **kw)
    if req and a.min_length != b.min_length:
        grew = (b.min_length or 0) > (a.min_length or 0)
        rule = f"request-property-min-length-{'increased' if grew else 'decreased'}"
        col.add(rule, f"{label} minLength {a.min_length} → {b.min_length}", field=path,
                before=a.min_length, after=b.min_length, **kw)
    if a.pattern != b.pattern:
        col.add(f"{side}-property-pattern-changed", f"{label} pattern {a.pattern!r} → {b.pattern!r}", field=path,
                before=a.pattern, after=b.pattern, **kw)
    if req and (a.minimum, a.maximum) != (b.minimum, b.maximum):
        col.add("request-property-range-changed", f"{label} range [{a.minimum}, {a.maximum}] → "
                f"[{b.minimum}, {b.maximum}]", field=path, before=[a.minimum, a.maximum],
                after=[b.minimum, b.maximum], **kw)


def _compare_enum(col: _Collector, side: str, path: str, old: tuple[str, ...] | None,
                  new: tuple[str, ...] | None, kw: dict[str, Any], prefix: str = "property") -> None:
    label = _label(path)
    if old == new:
        return
    if old is None or new is None:
        if side == "request":
            rule = f"request-{prefix}-enum-{'introduced' if old is None else 'dropped'}"
            if rule in RULES:
                col.add(rule, f"{label} {'now restricted to ' + ', '.join(new) if new else 'no longer restricted'}",
                        field=path, before=list(old or []), after=list(new or []), **kw)
        return
    gone = [v for v in old if v not in new]
    came = [v for v in new if v not in old]
    if gone:
        col.add(f"{side}-{prefix}-enum-value-removed", f"{label} values removed: {', '.join(gone)}", field=path,
                before=gone, after=None, **kw)
    if came:
        col.add(f"{side}-{prefix}-enum-value-added", f"{label} values added: {', '.join(came)}", field=path,
                before=None, after=came, **kw)


def _diff_parameters(col: _Collector, op: str, a: Operation, b: Operation) -> None:
    old = {k: v for k, v in a.parameters.items() if k not in IGNORED_PARAMETERS}
    new = {k: v for k, v in b.parameters.items() if k not in IGNORED_PARAMETERS}
    for key in sorted(set(old) - set(new)):
        col.add("request-parameter-removed", f"parameter {key} removed", operation=op, location="parameters",
                field=key, before=key)
    for key in sorted(set(new) - set(old)):
        required = new[key][0].required
        rule = "new-required-request-parameter" if required else "new-optional-request-parameter"
        col.add(rule, f"parameter {key} added" + (" (required)" if required else ""), operation=op,
                location="parameters", field=key, after=key)
    for key in sorted(set(old) & set(new)):
        fa, fb = old[key][0], new[key][0]
        kw = {"operation": op, "location": "parameters", "field": key}
        if fa.required != fb.required:
            rule = "request-parameter-became-required" if fb.required else "request-parameter-became-optional"
            col.add(rule, f"parameter {key} {'now required' if fb.required else 'now optional'}",
                    before=fa.required, after=fb.required, **kw)
        if fa.type != fb.type and fa.type is not None and fb.type is not None:
            col.add("request-parameter-type-changed", f"parameter {key} type {_show(fa.type)} → {_show(fb.type)}",
                    before=_show(fa.type), after=_show(fb.type), **kw)
        if fa.format != fb.format:
            col.add("request-parameter-format-changed", f"parameter {key} format {fa.format} → {fb.format}",
                    before=fa.format, after=fb.format, **kw)
        if fa.enum and fb.enum:
            _compare_enum(col, "request", key, fa.enum, fb.enum,
                          {"operation": op, "location": "parameters", "error_body": False}, prefix="parameter")


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _diff_operation(col: _Collector, a: Operation, b: Operation, renames: tuple[KnownRename, ...] | None) -> None:
    op = a.key
    if b.deprecated and not a.deprecated:
        col.add("api-operation-deprecated", f"{op} is deprecated", operation=op)
    _diff_parameters(col, op, a, b)
    if a.request is None and b.request is not None:
        rule = "new-required-request-body" if b.request_required else "request-body-added"
        col.add(rule, "request body added", operation=op, location="request body")
    elif a.request is not None and b.request is None:
        col.add("request-body-removed", "request body removed", operation=op, location="request body")
    elif a.request is not None and b.request is not None:
        diff_fields(col, op, "request body", a.request, b.request, side="request", renames=renames)
    for status in sorted(set(a.responses) - set(b.responses)):
        rule = "response-success-status-removed" if _is_success(status) else "response-non-success-status-removed"
        col.add(rule, f"status {status} no longer documented", operation=op, location=f"response {status}",
                before=status)
    for status in sorted(set(b.responses) - set(a.responses)):
        col.add("response-status-added", f"status {status} added", operation=op, location=f"response {status}",
                after=status)
    for status in sorted(set(a.responses) & set(b.responses)):
        ra, rb = a.responses[status], b.responses[status]
        location = f"response {status}"
        error_body = not _is_success(status)
        if ra is None and rb is not None:
            col.add("response-body-added", "JSON body added", operation=op, location=location)
        elif ra is not None and rb is None:
            col.add("response-body-removed", "JSON body removed", operation=op, location=location,
                    error_body=error_body)
        elif ra is not None and rb is not None:
            diff_fields(col, op, location, ra, rb, side="response", error_body=error_body, renames=renames)


def diff_documents(old_doc: dict[str, Any], new_doc: dict[str, Any], from_version: str, to_version: str, *,
                   renames: tuple[KnownRename, ...] | None = None,
                   artefacts: Iterable[Artefact] | None = None) -> list[Change]:
    """All schema changes from ``old_doc`` (``--from``) to ``new_doc`` (``--to``)."""
    col = _Collector(from_version, to_version, load_artefacts() if artefacts is None else artefacts)
    old_ops, new_ops = operations(old_doc), operations(new_doc)
    old_paths = {o.path for o in old_ops.values()}
    new_paths = {o.path for o in new_ops.values()}
    for key in sorted(set(new_ops) - set(old_ops)):
        rule = "api-path-added" if new_ops[key].path not in old_paths else "api-operation-added"
        col.add(rule, f"{key} added", operation=key)
    for key in sorted(set(old_ops) - set(new_ops)):
        rule = "api-path-removed" if old_ops[key].path not in new_paths else "api-operation-removed"
        col.add(rule, f"{key} removed", operation=key)
    for key in sorted(set(old_ops) & set(new_ops)):
        _diff_operation(col, old_ops[key], new_ops[key], renames)
    return col.changes
