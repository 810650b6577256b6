"""Load the schemas compat compares: the official files with our overlays applied.

The overlay step is pluggable: ``compare(..., loader=...)`` takes any ``(version, openapi_dir)
-> LoadedSchema`` callable. The default applies ``register_conformance.overlay.load_overlaid``;
if the overlaid document has dangling local ``$ref``s (overlays being edited) it falls back to the
raw official file and says so in ``LoadedSchema.note``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from register_conformance.schemas import load_official

PathLike = str | os.PathLike[str] | None


@dataclass
class LoadedSchema:
    """A schema dict and how it was obtained."""

    document: dict[str, Any]
    overlaid: bool
    note: str = ""


SchemaLoader = Callable[[str, PathLike], LoadedSchema]


def load_raw(version: str, openapi_dir: PathLike = None) -> LoadedSchema:
    """The official schema as published (dates kept as strings)."""
    return LoadedSchema(load_official(version, openapi_dir), False)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def unresolved_refs(doc: dict[str, Any]) -> list[str]:
    """Local ``$ref``s of ``doc`` that point nowhere."""
    missing = []
    for ref in sorted(set(_refs(doc))):
        if not ref.startswith("#/"):
            continue
        target: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            missing.append(ref)
    return missing


def load_with_overlays(version: str, openapi_dir: PathLike = None) -> LoadedSchema:
    """The official schema with our overlays; the raw file when overlays are missing or incomplete."""
    try:
        from register_conformance.overlay import OverlayError, load_overlaid
    except ImportError:
        return LoadedSchema(load_official(version, openapi_dir), False, "no overlay module")
    official = load_official(version, openapi_dir)  # missing/corrupt official files stop here (exit 2)
    try:
        document = load_overlaid(version, openapi_dir)
    except OverlayError as exc:
        return LoadedSchema(official, False, f"overlays for {version} not applied ({exc}): raw official file used")
    missing = unresolved_refs(document)
    if missing:
        loaded = load_raw(version, openapi_dir)
        loaded.note = (f"overlays for {version} leave {len(missing)} unresolved $ref(s) (e.g. {missing[0]}): "
                       "raw official file used")
        return loaded
    return LoadedSchema(document, True)
