"""``schemas --export``: our overlaid schemas as standalone, valid OpenAPI files that plain loaders read as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from register_conformance import API_VERSIONS, cli
from register_conformance.overlay import load_overlaid
from register_conformance.schema_export import null_in_nullable_enums
from register_conformance.schemas import locate


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export") / "schemas"
    assert cli.main(["schemas", "--export", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("version", API_VERSIONS)
def test_export_is_valid_openapi_read_by_a_plain_yaml_loader(exported: Path, version: str) -> None:
    document = yaml.safe_load((exported / f"{version}.overlaid.yaml").read_text(encoding="utf-8"))
    validate(document)  # openapi-spec-validator: v2026.1's official file fails this (type: 'null')
    assert "'null'" not in (exported / f"{version}.overlaid.yaml").read_text(encoding="utf-8")
    overlaid = load_overlaid(version)
    assert null_in_nullable_enums(overlaid) > 0  # the overlays have nullable enums without null…
    assert document["paths"] == overlaid["paths"]  # …which the export lists explicitly, nothing else changed
    assert document["components"] == overlaid["components"]
    assert null_in_nullable_enums(document) == 0
    for operation in (op for item in document["paths"].values() for op in item.values()):
        for parameter in operation.get("parameters", []):  # no official oneOf left beside our typed schemas
            assert "oneOf" not in parameter["schema"], parameter["name"]


@pytest.mark.parametrize("version", API_VERSIONS)
def test_export_says_it_is_not_dfes_file(exported: Path, version: str) -> None:
    info = yaml.safe_load((exported / f"{version}.overlaid.yaml").read_text(encoding="utf-8"))["info"]
    assert info["description"].startswith("Not DfE's file")
    provenance = info["x-register-conformance"]
    assert provenance["official_sha256"] == locate(version).sha256
    assert f"{version}/45-version.overlay.yaml" in provenance["overlays"]


def test_export_of_one_version(tmp_path: Path) -> None:
    assert cli.main(["schemas", "--export", str(tmp_path), "--api-version", "v2025.0"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["v2025.0.overlaid.yaml"]


def test_unwritable_export_folder_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cli.main(["schemas", "--export", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("register-conformance schemas: error: cannot write the exported schemas") and "\n" not in err


def test_nullable_enum_gets_null_only_where_nullable() -> None:
    schema = {"properties": {"a": {"type": "string", "nullable": True, "enum": ["x"]},
                             "b": {"type": "string", "enum": ["y"]},
                             "c": {"allOf": [{"nullable": True, "enum": ["z", None]}]}}}
    assert null_in_nullable_enums(schema) == 1
    assert schema["properties"]["a"]["enum"] == ["x", None]
    assert schema["properties"]["b"]["enum"] == ["y"]
    assert schema["properties"]["c"]["allOf"][0]["enum"] == ["z", None]
