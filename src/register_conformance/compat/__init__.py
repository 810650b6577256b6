"""Release compatibility between two Register API versions.

``compare(from_version, to_version)`` diffs the two official schemas (with our overlays) operation
by operation and field by field, pairs renames, classifies every change by a named rule, and adds
the known behavioural differences recorded from the facts. Renderers: ``render_text``,
``render_json``, ``render_html_fragment`` (embedded in the run report) and ``render_html_page``.
"""

from __future__ import annotations

import os
import time

from register_conformance.compat.diff import diff_documents
from register_conformance.compat.known import known_differences, link_evidence
from register_conformance.compat.loader import LoadedSchema, SchemaLoader, load_raw, load_with_overlays
from register_conformance.compat.model import SEVERITIES, Change, CompatReport, KnownDifference
from register_conformance.compat.render import render_html_fragment, render_html_page, render_json, render_text

__all__ = [
    "SEVERITIES",
    "Change",
    "CompatReport",
    "KnownDifference",
    "LoadedSchema",
    "compare",
    "compare_documents",
    "load_raw",
    "load_with_overlays",
    "render_html_fragment",
    "render_html_page",
    "render_json",
    "render_text",
]


def compare_documents(old_doc: dict, new_doc: dict, from_version: str, to_version: str, *,
                      overlays_applied: bool = False) -> CompatReport:
    """The compat report for two already loaded schema dicts."""
    started = time.perf_counter()
    changes = diff_documents(old_doc, new_doc, from_version, to_version)
    known = known_differences(from_version, to_version)
    link_evidence(known, changes)
    notes = []
    if not overlays_applied:
        notes.append("overlays not applied: enums, formats and required lists come from the raw official files")
    if not known and from_version != to_version:
        notes.append(f"no known-differences list for {from_version} → {to_version}; schema changes only")
    return CompatReport(from_version, to_version, changes, known, overlays_applied,
                        time.perf_counter() - started, notes)


def compare(from_version: str, to_version: str, *, openapi_dir: str | os.PathLike[str] | None = None,
            loader: SchemaLoader | None = None) -> CompatReport:
    """Load both schemas (overlaid by default) and compare them."""
    started = time.perf_counter()
    load = loader or load_with_overlays
    old, new = load(from_version, openapi_dir), load(to_version, openapi_dir)
    if old.overlaid != new.overlaid:  # never compare an overlaid file with a raw one
        raw_version = from_version if old.overlaid else to_version
        replacement = load_raw(raw_version, openapi_dir)
        replacement.note = f"{raw_version} compared as published too, so both sides are alike"
        old, new = (replacement, new) if old.overlaid else (old, replacement)
    report = compare_documents(old.document, new.document, from_version, to_version,
                               overlays_applied=old.overlaid and new.overlaid)
    report.notes[:0] = list(dict.fromkeys(n for n in (old.note, new.note) if n))
    report.elapsed_seconds = time.perf_counter() - started
    return report
