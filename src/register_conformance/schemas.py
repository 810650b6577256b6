"""Find, verify and load the official Register API OpenAPI schemas.

The official files are never part of this repository nor of the package. They are looked up, in
order, in: ``--openapi-dir`` / ``REGISTER_OPENAPI_DIR`` (alone when given), ``./openapi/`` of the current
folder, and, in a checkout, its ``openapi/`` folder and ``../shared/openapi/`` beside it. Each file is
checked against ``openapi/manifest.json`` (version, official source, sha256) and loaded with dates kept as strings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from register_conformance import API_VERSIONS
from register_conformance.errors import ConfigurationError
from register_conformance.layout import checkout_root, overlay_dir

ENV_OPENAPI_DIR = "REGISTER_OPENAPI_DIR"


@dataclass(frozen=True)
class SchemaFile:
    """One official schema file found on disk."""

    version: str
    path: Path
    sha256: str
    expected_sha256: str | None
    source: str | None

    @property
    def matches_manifest(self) -> bool:
        return self.expected_sha256 is not None and self.sha256 == self.expected_sha256


def load_manifest() -> dict[str, Any]:
    """The manifest of official schema files (``openapi/manifest.json``)."""
    path = overlay_dir() / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"schema manifest not found at {path}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"schema manifest {path} is not valid JSON: {exc.msg}") from exc


def candidate_dirs(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders searched for the official schemas, in order of precedence."""
    dirs: list[Path] = []
    chosen = explicit or os.environ.get(ENV_OPENAPI_DIR)
    if chosen:
        dirs.append(Path(chosen).expanduser())
    dirs.append(Path.cwd() / "openapi")
    root = checkout_root()
    if root is not None:
        dirs += [root / "openapi", root.parent / "shared" / "openapi"]
    return list(dict.fromkeys(d.resolve() for d in dirs))


def search_dirs(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """The folders ``locate`` reads: an explicit one (option or environment) alone, else every candidate."""
    dirs = candidate_dirs(explicit)
    # An explicit folder wins outright: do not silently fall back to another copy.
    return dirs[:1] if explicit or os.environ.get(ENV_OPENAPI_DIR) else dirs


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_version(version: str) -> None:
    if version not in API_VERSIONS:
        raise ConfigurationError(
            f"unknown API version {version!r}; expected one of {', '.join(API_VERSIONS)}"
        )


def locate(version: str, explicit: str | os.PathLike[str] | None = None) -> SchemaFile:
    """Find the official schema for ``version``; raise a one-line error naming where to put it."""
    _check_version(version)
    entry = load_manifest().get("schemas", {}).get(version, {})
    dirs = search_dirs(explicit)
    for folder in dirs:
        path = folder / f"{version}.yaml"
        if path.is_file():
            return SchemaFile(version, path, _sha256(path), entry.get("sha256"), entry.get("source"))
    searched = ", ".join(str(d) for d in dirs)
    raise ConfigurationError(
        f"official schema {version}.yaml not found (searched {searched}); put DfE's {version}.yaml into "
        f"{dirs[0]}{os.sep} or pass --openapi-dir / set {ENV_OPENAPI_DIR} to the folder holding it"
    )


def verify(schema: SchemaFile) -> SchemaFile:
    """Raise when the file differs from the manifest (corrupt or a different release)."""
    if schema.expected_sha256 is None:
        raise ConfigurationError(f"no manifest entry for {schema.version} in {overlay_dir() / 'manifest.json'}")
    if not schema.matches_manifest:
        raise ConfigurationError(
            f"{schema.path} does not match the manifest (sha256 {schema.sha256[:12]}…, expected "
            f"{schema.expected_sha256[:12]}…): replace it with the official {schema.version} file"
        )
    return schema


def schema_folder(versions: Iterable[str], explicit: str | os.PathLike[str] | None = None) -> Path:
    """The absolute folder holding the verified official schemas of ``versions``, for a pytest child process.

    The parent resolves it (the child runs in a temporary folder, where ``./openapi/`` and a relative
    ``--openapi-dir`` mean something else) and passes it on as ``--openapi-dir``. A missing or wrong file
    is the same one-line error as anywhere else.
    """
    versions = list(versions)
    for version in versions:
        verify(locate(version, explicit))
    dirs = search_dirs(explicit)
    for folder in dirs:
        if all((folder / f"{version}.yaml").is_file() for version in versions):
            return folder
    raise ConfigurationError(
        f"the official schemas {', '.join(f'{v}.yaml' for v in versions)} are not in one folder (searched "
        f"{', '.join(str(d) for d in dirs)}); put them side by side and pass --openapi-dir / set {ENV_OPENAPI_DIR}"
    )


def read_yaml(path: Path) -> Any:
    """Parse YAML keeping dates (and invalid dates like ``2023-13-01``) as strings."""
    import yaml
    from schemathesis.core.deserialization import get_yaml_loader

    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=get_yaml_loader())
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from exc


@lru_cache(maxsize=8)
def _load_cached(path: str, sha256: str) -> dict[str, Any]:
    data = read_yaml(Path(path))
    if not isinstance(data, dict) or "paths" not in data:
        raise ConfigurationError(f"{path} is not an OpenAPI document")
    return data


def load_official(version: str, explicit: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The verified official schema for ``version`` as a dict (a fresh copy each call)."""
    import copy

    schema = verify(locate(version, explicit))
    return copy.deepcopy(_load_cached(str(schema.path), schema.sha256))
