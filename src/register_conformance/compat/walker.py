"""Walk an OpenAPI document: its operations, their parameters, bodies and fields.

Schemas are flattened into ``{field path: Field}`` where a path is dotted from the body root
(``data.degrees[].grade``; the root itself is ``""``). Local ``$ref``s are resolved, ``allOf`` is
merged and ``oneOf``/``anyOf`` are united, so overlays may use any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

METHODS: tuple[str, ...] = ("get", "put", "post", "delete", "patch", "head", "options")
JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class Field:
    """The comparable facets of one schema node."""

    type: tuple[str, ...] | None
    nullable: bool
    required: bool
    enum: tuple[str, ...] | None = None
    format: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Operation:
    """One method on one path, with everything the diff compares."""

    key: str
    method: str
    path: str
    parameters: dict[str, tuple[Field, dict[str, Any]]]
    request: dict[str, Field] | None
    request_required: bool
    responses: dict[str, dict[str, Field] | None]
    deprecated: bool


def _resolve(doc: dict[str, Any], node: Any, seen: frozenset[str] = frozenset()) -> Any:
    """Follow a local ``$ref`` (``#/...``); unknown or cyclic refs resolve to ``{}``."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return {}
        seen = seen | {ref}
        target: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node = target if isinstance(target, dict) else {}
    return node


def _merge(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    """One schema dict with ``allOf`` merged and ``oneOf``/``anyOf`` properties united."""
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return {}
    parts = [p for key in ("allOf", "oneOf", "anyOf") for p in schema.get(key) or []]
    if not parts:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")}
    props: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    enum: list[Any] = list(merged.get("enum") or [])
    for part in parts:
        part = _merge(doc, part)
        for key, value in part.items():
            if key == "properties":
                for name, sub in value.items():
                    props.setdefault(name, sub)
            elif key == "required":
                required.extend(r for r in value if r not in required)
            elif key == "enum":
                enum.extend(e for e in value if e not in enum)
            else:
                merged.setdefault(key, value)
    if props:
        merged["properties"] = props
    if required:
        merged["required"] = required
    if enum:
        merged["enum"] = enum
    return merged


def _types(schema: dict[str, Any]) -> tuple[tuple[str, ...] | None, bool]:
    raw = schema.get("type")
    nullable = bool(schema.get("nullable"))
    if raw is None:
        return None, nullable
    names = [raw] if isinstance(raw, str) else [str(t) for t in raw]
    if "null" in names:
        nullable = True
        names = [n for n in names if n != "null"]
    return (tuple(sorted(names)) or None), nullable


def _field(schema: dict[str, Any], required: bool) -> Field:
    types, nullable = _types(schema)
    enum = schema.get("enum")
    if enum is not None:
        nullable = nullable or None in enum
        enum = tuple(sorted({str(e) for e in enum if e is not None}))
    return Field(
        type=types,
        nullable=nullable,
        required=required,
        enum=enum,
        format=schema.get("format"),
        min_length=schema.get("minLength"),
        max_length=schema.get("maxLength"),
        pattern=schema.get("pattern"),
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
    )


def flatten(doc: dict[str, Any], schema: Any, *, root_required: bool = True) -> dict[str, Field]:
    """All fields of ``schema`` by dotted path (the root is ``""``)."""
    out: dict[str, Field] = {}

    def walk(node: Any, path: str, required: bool, depth: int) -> None:
        node = _merge(doc, node)
        if not isinstance(node, dict) or depth > 12:
            return
        out[path] = _field(node, required)
        required_names = set(node.get("required") or [])
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{path}.{name}" if path else name, name in required_names, depth + 1)
        if "items" in node:
            walk(node["items"], f"{path}[]", True, depth + 1)

    walk(schema, "", root_required, 0)
    return out


def _json_schema(doc: dict[str, Any], holder: Any) -> Any:
    content = (_resolve(doc, holder) or {}).get("content") or {}
    for media in JSON_TYPES:
        if media in content:
            return (content[media] or {}).get("schema")
    for media, value in content.items():
        if "json" in media:
            return (value or {}).get("schema")
    return None


def _parameters(doc: dict[str, Any], path_item: dict[str, Any], op: dict[str, Any]):
    found: dict[str, tuple[Field, dict[str, Any]]] = {}
    for raw in [*(path_item.get("parameters") or []), *(op.get("parameters") or [])]:
        param = _resolve(doc, raw)
        if not isinstance(param, dict) or "name" not in param:
            continue
        key = f"{param.get('in', 'query')}.{param['name']}"
        schema = _merge(doc, param.get("schema") or {})
        found[key] = (_field(schema, bool(param.get("required"))), param)
    return found


def short_path(path: str) -> str:
    """``/api/{api_version}/trainees`` → ``/trainees`` (the version prefix is implied)."""
    prefix = "/api/{api_version}"
    return path[len(prefix):] or "/" if path.startswith(prefix) else path


def operations(doc: dict[str, Any]) -> dict[str, Operation]:
    """Every operation of ``doc`` keyed ``"METHOD /short/path"``."""
    out: dict[str, Operation] = {}
    for path, item in (doc.get("paths") or {}).items():
        item = _resolve(doc, item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            key = f"{method.upper()} {short_path(path)}"
            body = _resolve(doc, op.get("requestBody")) if op.get("requestBody") else None
            request = None
            if body is not None:
                schema = _json_schema(doc, body)
                request = flatten(doc, schema) if schema is not None else {}
            responses: dict[str, dict[str, Field] | None] = {}
            for status, response in (op.get("responses") or {}).items():
                schema = _json_schema(doc, response)
                responses[str(status)] = flatten(doc, schema) if schema is not None else None
            out[key] = Operation(
                key=key,
                method=method.upper(),
                path=path,
                parameters=_parameters(doc, item, op),
                request=request,
                request_required=bool(body and body.get("required")),
                responses=responses,
                deprecated=bool(op.get("deprecated")),
            )
    return out
