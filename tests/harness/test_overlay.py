"""Overlay application: golden triplets, drift detection, and our overlays on the official schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonpath_ng.ext import parse

from register_conformance.overlay import Overlay, OverlayError, apply_all, apply_overlay, load_overlaid, overlay_files
from register_conformance.schemas import read_yaml

GOLDEN = Path(__file__).parent / "overlays"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    result = apply_all(read_yaml(folder / "openapi.yaml"), [Overlay.from_path(folder / "overlay.yaml")])
    assert result == read_yaml(folder / "output.yaml")


def test_target_matching_nothing_is_drift() -> None:
    overlay = Overlay.from_dict({"overlay": "1.0.0", "info": {"title": "t"},
                                 "actions": [{"target": "$.paths['/gone'].get", "update": {"x": 1}}]}, "drift.yaml")
    with pytest.raises(OverlayError, match=r"drift.yaml: action #1 .*matches nothing"):
        apply_overlay({"paths": {}}, overlay)
    assert apply_overlay({"paths": {}}, overlay, strict=False)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"info": {"title": "t"}, "actions": [{"target": "$", "update": {}}]}, "not an OpenAPI Overlay"),
        ({"overlay": "1.0.0", "info": {}, "actions": [{"target": "$", "update": {}}]}, "info.title"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": []}, "non-empty list"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$"}]}, "exactly one of"),
    ],
)
def test_malformed_overlays(doc: dict, message: str) -> None:
    with pytest.raises(OverlayError, match=message):
        Overlay.from_dict(doc)


def test_scalar_target_is_reported() -> None:
    overlay = Overlay.from_dict({"overlay": "1.0.0", "info": {"title": "t"},
                                 "actions": [{"target": "$.info.title", "update": {"x": 1}}]})
    with pytest.raises(OverlayError, match="scalar"):
        apply_overlay({"info": {"title": "t"}}, overlay)


@pytest.mark.parametrize("version", ["v2025.0", "v2026.1"])
def test_our_overlays_apply_cleanly_and_validate(version: str) -> None:
    from openapi_spec_validator import validate

    files = overlay_files(version)
    assert files and all(Overlay.from_path(p).title for p in files)
    document = load_overlaid(version)  # raises on any unmatched target
    validate(document)
    assert not parse("$..[?(@.nullable == true && !@.type)]").find(document), "untyped nullable nodes remain"
    assert not parse("$..[?(@.type == 'null')]").find(document)
    pins = parse("$.paths.*.*.parameters[?(@.name == 'api_version')].schema.enum").find(document)
    assert pins and all(m.value == [version] for m in pins)
    assert document["security"] == [{"bearer": []}]
    assert all("operationId" in op for item in document["paths"].values() for op in item.values())
    assert all(body.get("required") for body in (m.value for m in parse("$.paths.*.*.requestBody").find(document)))


def test_v2026_reference_data_is_public_and_type_null_fixed() -> None:
    document = load_overlaid("v2026.1")
    assert document["paths"]["/api/{api_version}/reference-data"]["get"]["security"] == []


def test_official_examples_are_replaced_by_valid_ones() -> None:
    document = load_overlaid("v2026.1")
    params = document["paths"]["/api/{api_version}/trainees"]["get"]["parameters"]
    examples = {p["name"]: p.get("example") for p in params}
    assert examples["status"] == "in_training" and examples["academic_cycle"] == "2026"
    assert examples["since"] != "2023-13-01"


@pytest.mark.parametrize("version", ["v2025.0", "v2026.1"])
def test_every_example_is_valid_against_its_schema(version: str) -> None:
    import jsonschema

    from register_conformance.schema_checks import NegativePolicy

    document = load_overlaid(version)
    root = NegativePolicy(document).root  # JSON Schema form (nullable -> null); examples stripped
    checked = 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            converted = root["paths"][path][method]
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            schema = ((converted.get("requestBody") or {}).get("content", {}).get("application/json", {})).get("schema")
            pairs = [(schema, content.get("example"))]
            pairs += [(c.get("schema"), p.get("example"))
                      for p, c in zip(op.get("parameters", []), converted.get("parameters", []), strict=True)]
            for schema, example in pairs:
                if schema is None or example is None:
                    continue
                validator = jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver.from_schema(root),
                                                       format_checker=jsonschema.FormatChecker())
                assert not list(validator.iter_errors(example)), example
                checked += 1
    assert checked > 20
