"""Schema loading for compat: overlays when they apply cleanly, the raw files otherwise."""

from __future__ import annotations

import pytest

from register_conformance import overlay
from register_conformance.compat import LoadedSchema, compare, load_raw
from register_conformance.compat.loader import load_with_overlays, unresolved_refs


def test_unresolved_refs_are_listed() -> None:
    doc = {"components": {"schemas": {"A": {}}},
           "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"},
                                                  "404": {"$ref": "#/components/schemas/Missing"}}}}}}
    assert unresolved_refs(doc) == ["#/components/schemas/Missing"]


def test_broken_overlays_fall_back_to_the_raw_file_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(version, openapi_dir=None):
        raise overlay.OverlayError("10-x.overlay.yaml: action #1 matches nothing")

    monkeypatch.setattr(overlay, "load_overlaid", broken)
    loaded = load_with_overlays("v2026.1")
    assert loaded.overlaid is False and "matches nothing" in loaded.note
    assert "/api/{api_version}/reference-data" in loaded.document["paths"]


def test_an_overlaid_file_is_never_compared_with_a_raw_one() -> None:
    def half(version, openapi_dir=None):
        raw = load_raw(version, openapi_dir)
        return LoadedSchema(raw.document, overlaid=version == "v2026.1")

    report = compare("v2025.0", "v2026.1", loader=half)
    assert report.overlays_applied is False
    assert any("compared as published too" in n for n in report.notes)
