"""The official schemas are found in the documented order, verified, and loaded with dates as strings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from register_conformance import schemas
from register_conformance.errors import ConfigurationError


def test_found_in_shared_folder_and_matches_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(schemas.ENV_OPENAPI_DIR, raising=False)
    found = schemas.locate("v2026.1")
    assert found.path.name == "v2026.1.yaml"
    assert found.matches_manifest


def test_explicit_folder_wins_and_does_not_fall_back(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"v2025\.0\.yaml not found .*--openapi-dir"):
        schemas.locate("v2025.0", tmp_path)


def test_env_variable_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = schemas.locate("v2025.0", None)
    shutil.copy(original.path, tmp_path / "v2025.0.yaml")
    monkeypatch.setenv(schemas.ENV_OPENAPI_DIR, str(tmp_path))
    assert schemas.locate("v2025.0").path == tmp_path / "v2025.0.yaml"


def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "v2025.0.yaml").write_text("openapi: 3.0.3\npaths: {}\n")
    found = schemas.locate("v2025.0", tmp_path)
    assert not found.matches_manifest
    with pytest.raises(ConfigurationError, match="does not match the manifest"):
        schemas.load_official("v2025.0", tmp_path)


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown API version"):
        schemas.locate("v2024.0")


def test_invalid_dates_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("since: 2023-13-01\nday: 2023-01-01\nflag: yes\n")
    assert schemas.read_yaml(path) == {"since": "2023-13-01", "day": "2023-01-01", "flag": "yes"}


def test_official_schema_loads_with_invalid_example_as_string() -> None:
    doc = schemas.load_official("v2025.0")
    assert doc["info"]["version"] == "v2025.0"
    assert "2023-13-01" in repr(doc)
