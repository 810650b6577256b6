"""Apply OpenAPI Overlay 1.0 documents to the official schemas (never edited on disk).

An overlay is ``{"overlay": "1.0.0", "info": {...}, "extends": ..., "actions": [...]}``; each action
has a JSONPath ``target`` (evaluated with jsonpath-ng's extended parser) and either ``update``
(objects are merged recursively, arrays appended) or ``remove: true``. Actions apply in order.

A target that selects nothing is an error: it usually means the official schema has drifted and
the overlay no longer says what we think it says. Errors name the file, the action and the target.

Our overlays live in ``openapi/common/*.overlay.yaml`` (both versions) and
``openapi/<version>/*.overlay.yaml``; all are applied in file-name order (``10-...`` before ``20-...``;
on equal names the common file first), so a version file can act before or after a common one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from register_conformance.errors import ConfigurationError

OVERLAY_GLOB = "*.overlay.yaml"


class OverlayError(ConfigurationError):
    """An overlay is malformed or one of its targets matches nothing (schema drift)."""


@dataclass(frozen=True)
class Overlay:
    """One overlay document."""

    name: str
    title: str
    actions: tuple[dict[str, Any], ...]
    extends: str | None = None

    @classmethod
    def from_dict(cls, data: Any, name: str = "<overlay>") -> Overlay:
        if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1."):
            raise OverlayError(f"{name}: not an OpenAPI Overlay 1.x document (missing 'overlay: 1.0.0')")
        info = data.get("info") or {}
        if not info.get("title"):
            raise OverlayError(f"{name}: info.title is required (state the overlay's purpose)")
        actions = data.get("actions")
        if not isinstance(actions, list) or not actions:
            raise OverlayError(f"{name}: 'actions' must be a non-empty list")
        for index, action in enumerate(actions):
            where = f"{name}: action #{index + 1}"
            if not isinstance(action, dict) or not isinstance(action.get("target"), str):
                raise OverlayError(f"{where}: needs a string 'target'")
            if ("update" in action) == bool(action.get("remove")):
                raise OverlayError(f"{where}: needs exactly one of 'update' or 'remove: true'")
        return cls(name=name, title=str(info["title"]), actions=tuple(actions), extends=data.get("extends"))

    @classmethod
    def from_path(cls, path: Path) -> Overlay:
        from register_conformance.schemas import read_yaml

        return cls.from_dict(read_yaml(path), name=path.name)


def _parse(target: str, where: str) -> Any:
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    try:
        return parse(target)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:  # jsonpath-ng raises bare Exceptions too
        raise OverlayError(f"{where}: invalid JSONPath {target!r}: {exc}") from None


def merge(target: Any, update: Any) -> Any:
    """Overlay ``update`` semantics: objects merge recursively, arrays append, scalars replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            if key in target and isinstance(target[key], dict | list) and type(target[key]) is type(value):
                target[key] = merge(target[key], value)
            else:
                target[key] = copy.deepcopy(value)
        return target
    if isinstance(target, list) and isinstance(update, list):
        target.extend(copy.deepcopy(update))
        return target
    if isinstance(target, list):
        target.append(copy.deepcopy(update))
        return target
    raise TypeError(f"cannot merge {type(update).__name__} into {type(target).__name__}")


def _remove(match: Any) -> None:
    parent = match.context.value if match.context is not None else None
    path = match.path
    key = getattr(path, "fields", None)
    if isinstance(parent, dict) and key:
        for name in key:
            parent.pop(name, None)
        return
    index = getattr(path, "index", None)
    if isinstance(parent, list):
        if index is not None:
            del parent[index]
        else:
            parent[:] = [item for item in parent if item is not match.value]
        return
    raise TypeError("the target's parent is neither an object nor an array")


def apply_overlay(document: dict[str, Any], overlay: Overlay, *, strict: bool = True) -> list[str]:
    """Apply ``overlay`` to ``document`` in place; return the problems (raise on them when ``strict``)."""
    problems: list[str] = []
    for index, action in enumerate(overlay.actions):
        label = str(action.get("description", "")).strip()[:60] or "no description"
        where = f"{overlay.name}: action #{index + 1} ({label})"
        expr = _parse(action["target"], where)
        matches = expr.find(document)
        if not matches:
            problems.append(f"{where}: target {action['target']!r} matches nothing (official schema drift?)")
            continue
        if action.get("remove"):
            # Remove deepest/last first so list indexes stay valid.
            for match in reversed(matches):
                try:
                    _remove(match)
                except TypeError as exc:
                    problems.append(f"{where}: cannot remove {match.full_path}: {exc}")
            continue
        for match in matches:
            if not isinstance(match.value, dict | list):
                problems.append(f"{where}: target {match.full_path} is a scalar; target its parent object instead")
                continue
            try:
                merge(match.value, action["update"])
            except TypeError as exc:
                problems.append(f"{where}: {exc}")
    if problems and strict:
        raise OverlayError(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
    return problems


def overlay_files(version: str, root: Path | None = None) -> list[Path]:
    """Our overlays for ``version`` in application order (common first, then the version's own)."""
    from register_conformance.layout import overlay_dir

    base = root or overlay_dir()
    common = [(p.name, 0, p) for p in (base / "common").glob(OVERLAY_GLOB)]
    own = [(p.name, 1, p) for p in (base / version).glob(OVERLAY_GLOB)]
    return [p for _name, _rank, p in sorted(common + own)]


def apply_all(document: dict[str, Any], overlays: Iterable[Overlay], *, strict: bool = True) -> dict[str, Any]:
    """Apply ``overlays`` in order to a copy of ``document``."""
    result = copy.deepcopy(document)
    for overlay in overlays:
        apply_overlay(result, overlay, strict=strict)
    return result


def load_overlaid(version: str, openapi_dir: str | None = None, *, root: Path | None = None) -> dict[str, Any]:
    """The official schema of ``version`` with all our overlays applied (a fresh dict)."""
    from register_conformance.schemas import load_official

    official = load_official(version, openapi_dir)
    files = overlay_files(version, root)
    if not files:
        raise OverlayError(f"no overlays found for {version} under openapi/common and openapi/{version}")
    return apply_all(official, [Overlay.from_path(p) for p in files])
