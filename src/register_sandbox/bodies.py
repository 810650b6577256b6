"""Request-body parsing: JSON (400 on malformed) and Rails-style form encoding (core.md §2.3)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_PART = re.compile(r"\[([^\]]*)\]")


class MalformedJSON(ValueError):
    """The body claims to be JSON but does not parse."""


def _reject_constant(name: str) -> Any:
    raise MalformedJSON(f"unexpected token '{name}'")


def parse_json(raw: bytes) -> Any:
    """Parse a JSON body; ``MalformedJSON`` with a parser-style message on any failure."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJSON("source sequence is illegal/malformed utf-8") from exc
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise MalformedJSON(f"unexpected token at '{text[exc.pos:exc.pos + 20]}'") from exc
    except RecursionError as exc:
        raise MalformedJSON("nesting is too deep") from exc


def _split_key(key: str) -> list[str] | None:
    head, sep, tail = key.partition("[")
    if not sep:
        return [key]
    parts = [head]
    rest = "[" + tail
    pos = 0
    for m in _KEY_PART.finditer(rest):
        if m.start() != pos:
            return None
        parts.append(m.group(1))
        pos = m.end()
    return parts if pos == len(rest) else None


def _assign(target: dict[str, Any], parts: list[str], value: str) -> None:
    """Rails' nested-parameter assignment: ``a[b]``, ``a[b][]`` and ``a[b][][c]`` (array of hashes)."""
    key = parts[0]
    if len(parts) == 1:
        target[key] = value
        return
    if parts[1] == "":
        items = target.get(key)
        if not isinstance(items, list):
            items = target[key] = []
        if len(parts) == 2:
            items.append(value)
            return
        child = parts[2]
        if not items or not isinstance(items[-1], dict) or child in items[-1]:
            items.append({})
        _assign(items[-1], parts[2:], value)
        return
    node = target.get(key)
    if not isinstance(node, dict):
        node = target[key] = {}
    _assign(node, parts[1:], value)


MAX_FORM_DEPTH = 16


def parse_form(raw: bytes) -> dict[str, Any]:
    """Parse ``application/x-www-form-urlencoded`` with Rails bracket nesting.

    ``MalformedJSON`` (→ 400) when there are too many fields; over-deep keys are ignored.
    """
    out: dict[str, Any] = {}
    text = raw.decode("utf-8", errors="replace")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=10_000)
    except ValueError as exc:
        raise MalformedJSON("too many parameters") from exc
    for key, value in pairs:
        parts = _split_key(key)
        if parts and len(parts) <= MAX_FORM_DEPTH:
            _assign(out, parts, value)
    return _numeric_hashes_to_lists(out)


def _numeric_hashes_to_lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _numeric_hashes_to_lists(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    if isinstance(node, list):
        return [_numeric_hashes_to_lists(v) for v in node]
    return node


def is_json_type(content_type: str) -> bool:
    """True for ``application/json`` and ``+json`` media types."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def is_form_type(content_type: str) -> bool:
    """True for form-encoded bodies."""
    return content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"


def filter_permitted(data: dict[str, Any], scalars: frozenset[str] | set[str],
                     arrays: frozenset[str] | set[str] = frozenset(),
                     object_arrays: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Rails ``permit``: scalar keys keep scalars (incl. null); ``arrays`` keep lists of scalars;
    ``object_arrays`` keep lists of objects. Everything else is dropped."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in scalars:
            if not isinstance(value, (dict, list)):
                out[key] = value
        elif key in arrays:
            if isinstance(value, list):
                out[key] = [v for v in value if not isinstance(v, (dict, list))]
        elif key in object_arrays:
            if isinstance(value, list):
                out[key] = [v for v in value if isinstance(v, dict)]
            elif isinstance(value, dict) and value and all(str(k).isdigit() for k in value):
                out[key] = [v for _, v in sorted(value.items(), key=lambda kv: int(kv[0])) if isinstance(v, dict)]
    return out
