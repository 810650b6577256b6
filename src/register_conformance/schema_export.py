"""Our precise schemas as standalone OpenAPI files other tools load as they are (Prism, Schemathesis CLI, generators).

An exported file is the official DfE file of that version with our overlays applied (``openapi/``): our
reading of the facts (core.md, lifecycle.md) — typed nullable fields, every status with its body, bearer
security, links. It is not DfE's file: ``info.x-register-conformance`` names the official file's sha256
and the overlays that made it.

One rewrite makes the meaning explicit for strict validators: OpenAPI 3.0.3's ``nullable: true`` widens
``type`` only, so a nullable schema with an ``enum`` also lists ``null`` in it (Schemathesis, which our suite
uses, already reads it that way; Prism/AJV would otherwise reject every null such a field carries).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from register_conformance import __version__
from register_conformance.errors import UsageError

SUFFIX = ".overlaid.yaml"
NOTE = ("Not DfE's file: the official {version} schema with the register-conformance overlays applied "
        "(the conformance suite's reading of the documented facts). Validate against it; report API "
        "questions against the official file.")


def null_in_nullable_enums(node: Any) -> int:
    """Add ``null`` to the ``enum`` of every ``nullable: true`` schema under ``node``; return how many."""
    changed = 0
    if isinstance(node, dict):
        enum = node.get("enum")
        if node.get("nullable") is True and isinstance(enum, list) and None not in enum:
            enum.append(None)
            changed += 1
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return 0
    return changed + sum(null_in_nullable_enums(child) for child in children)


def overlaid_document(version: str, openapi_dir: str | None = None) -> dict[str, Any]:
    """The overlaid schema of ``version``, labelled as ours (official sha256, overlays applied)."""
    from register_conformance.layout import overlay_dir
    from register_conformance.overlay import load_overlaid, overlay_files
    from register_conformance.schemas import locate

    document = load_overlaid(version, openapi_dir)
    null_in_nullable_enums(document)
    info = document.setdefault("info", {})
    info["description"] = NOTE.format(version=version) + ("\n\n" + info["description"] if info.get("description")
                                                         else "")
    base = overlay_dir()
    info["x-register-conformance"] = {
        "tool_version": __version__,
        "official_file": f"{version}.yaml",
        "official_sha256": locate(version, openapi_dir).sha256,
        "overlays": [p.relative_to(base).as_posix() for p in overlay_files(version)],
    }
    return document


def dump(document: dict[str, Any]) -> str:
    """Plain YAML any loader reads back unchanged (date-like strings quoted, key order kept)."""
    import yaml

    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def export(folder: str | Path, versions: list[str], openapi_dir: str | None = None) -> list[Path]:
    """Write ``<folder>/<version>.overlaid.yaml`` per version; return the files written."""
    target = Path(folder).expanduser()
    documents = {v: dump(overlaid_document(v, openapi_dir)) for v in versions}  # all load before any write
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for version, text in documents.items():
            path = target / f"{version}{SUFFIX}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write the exported schemas to {target}: {exc.strerror or exc}") from None
    return written
