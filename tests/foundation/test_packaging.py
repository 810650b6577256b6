"""What the wheel carries: the suites and overlays mapped into the package, every data file, never DfE's files.

The wheel itself is built, installed into a fresh venv and smoke-tested from an empty folder by ``.ci/run``;
these tests check the build configuration and the lookup of the packaged copies without building.
"""

from __future__ import annotations

import fnmatch
import json
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from register_conformance import layout, schemas
from register_conformance.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _packages() -> list[str]:
    return runpy.run_path(str(ROOT / "setup.py"), run_name="setup_under_test")["packages"]()


def _package_of(path: Path, packages: dict[str, Path]) -> str:
    """The deepest package whose folder holds ``path`` (how setuptools assigns a data file)."""
    owners = [name for name, folder in packages.items() if folder in path.parents]
    return max(owners, key=lambda n: len(packages[n].parts))


def test_suites_and_overlays_are_packaged_under_register_conformance() -> None:
    found = set(_packages())
    for suite in ("lifecycle", "schema", "compatibility"):
        assert f"register_conformance.suites.{suite}" in found
    assert {"register_conformance.suites", "register_conformance.openapi", "register_conformance",
            "register_sandbox", "register_conformance.reporting"} <= found
    assert not any("__pycache__" in name for name in found)


def test_every_data_file_matches_a_package_data_glob() -> None:
    """New data or static files under the packages ship without editing pyproject.toml (or this test fails)."""
    mapping = {"register_conformance.suites": ROOT / "suites", "register_conformance.openapi": ROOT / "openapi"}
    packages = {name: mapping.get(name) or ROOT / "src" / name.replace(".", "/") for name in _packages()}
    for name in list(packages):
        for prefix, folder in mapping.items():
            if name.startswith(prefix + "."):
                packages[name] = folder / name[len(prefix) + 1:].replace(".", "/")
    globs = SETUPTOOLS["package-data"]["*"]
    excluded = SETUPTOOLS["exclude-package-data"]["register_conformance.openapi"]
    unshipped = []
    for top in (ROOT / "src", ROOT / "suites", ROOT / "openapi"):
        for path in top.rglob("*"):
            skipped = "__pycache__" in path.parts or any(part.endswith(".egg-info") for part in path.parts)
            if not path.is_file() or skipped or path.suffix in (".py", ".pyc"):
                continue
            if path.parent == ROOT / "openapi" and path.name in excluded:
                continue
            relative = path.relative_to(packages[_package_of(path, packages)]).as_posix()
            if not any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(relative, g.removeprefix("**/")) for g in globs):
                unshipped.append(relative)
    assert not unshipped, f"data files no package-data glob ships: {unshipped}"


def test_dfe_schema_files_are_excluded_from_the_package() -> None:
    manifest = json.loads((ROOT / "openapi" / "manifest.json").read_text(encoding="utf-8"))
    official = {entry["file"] for entry in manifest["schemas"].values()}
    assert official == set(SETUPTOOLS["exclude-package-data"]["register_conformance.openapi"])


def test_plugins_are_entry_points_named_after_the_root_conftest_modules() -> None:
    """Same names as ``pytest_plugins`` in the root conftest: pytest registers each module once."""
    entry_points = PYPROJECT["project"]["entry-points"]["pytest11"]
    root_conftest = runpy.run_path(str(ROOT / "conftest.py"))["pytest_plugins"]
    assert set(entry_points) == set(entry_points.values())
    assert set(entry_points) <= set(root_conftest)


def test_the_pytest_route_options_come_from_entry_points() -> None:
    """Outside a checkout no root conftest loads the plugins: ``--reports DIR`` needs the collector's entry point."""
    entry_points = set(PYPROJECT["project"]["entry-points"]["pytest11"])
    assert {"register_conformance.plugin", "register_conformance.selection",
            "register_conformance.reporting.collector"} <= entry_points


def test_a_checkout_is_found_from_the_code_and_holds_suites_and_overlays() -> None:
    assert layout.checkout_root() == ROOT
    assert layout.suites_dir() == ROOT / "suites"
    assert (layout.overlay_dir() / "manifest.json").is_file()


def _fake_checkout(folder: Path) -> Path:
    for name in ("pyproject.toml", "suites/conftest.py", "openapi/manifest.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("")
    return folder


def test_installed_code_uses_the_checkout_the_current_folder_is_in_else_none(tmp_path: Path) -> None:
    site_packages = tmp_path / "venv" / "lib" / "site-packages"  # an installed copy: not a checkout
    site_packages.mkdir(parents=True)
    checkout = _fake_checkout(tmp_path / "checkout")
    (checkout / "suites" / "lifecycle").mkdir()
    assert layout.checkout_root(site_packages, cwd=checkout / "suites" / "lifecycle") == checkout.resolve()
    assert layout.checkout_root(site_packages, cwd=tmp_path) is None
    assert layout.checkout_root(checkout, cwd=tmp_path) == checkout  # the code's own checkout first


@pytest.mark.parametrize("missing", ["pyproject.toml", "suites/conftest.py", "openapi/manifest.json"])
def test_a_folder_is_a_checkout_only_with_all_three_markers(tmp_path: Path, missing: str) -> None:
    _fake_checkout(tmp_path)
    assert layout.is_checkout(tmp_path)
    (tmp_path / missing).unlink()
    assert not layout.is_checkout(tmp_path)


def test_official_schemas_are_looked_up_in_openapi_of_the_current_folder_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(schemas.ENV_OPENAPI_DIR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert schemas.candidate_dirs()[0] == tmp_path.resolve() / "openapi"
    original = schemas.locate("v2026.1")
    assert original.path.parent != tmp_path / "openapi"  # falls back to the checkout's folders
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / "v2026.1.yaml").write_bytes(original.path.read_bytes())
    assert schemas.locate("v2026.1").path == tmp_path.resolve() / "openapi" / "v2026.1.yaml"


def test_missing_schema_error_says_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as exc:
        schemas.locate("v2025.0", tmp_path / "nowhere")
    message = str(exc.value)
    assert f"put DfE's v2025.0.yaml into {(tmp_path / 'nowhere').resolve()}/" in message
    assert "REGISTER_OPENAPI_DIR" in message and "\n" not in message


def test_dockerfile_runs_as_non_root_checks_info_and_never_copies_dfe_files() -> None:
    """The image's commands themselves run in .ci/wheel_smoke.py (against the installed wheel)."""
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    instructions = [ln for ln in lines if ln and not ln.startswith("#")]
    assert any(ln.startswith("ARG PYTHON_IMAGE=python:") and ln.endswith("-slim") for ln in instructions)
    users = [ln.split()[1] for ln in instructions if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    healthcheck = next(ln for ln in instructions if ln.startswith("HEALTHCHECK "))
    assert "/info" in healthcheck
    assert json.loads(next(ln for ln in instructions if ln.startswith("ENTRYPOINT "))[11:]) == ["register-conformance"]
    assert json.loads(next(ln for ln in instructions if ln.startswith("CMD "))[4:])[0] == "sandbox"
    copies = [ln for ln in instructions if ln.startswith("COPY ")]
    assert not any(".yaml" in ln for ln in copies)
    assert "FROM scratch AS schemas" in instructions  # DfE's files only through --build-context schemas=DIR
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"openapi/v2025.0.yaml", "openapi/v2026.1.yaml"} <= set(ignored)


def test_in_a_checkout_the_plugin_is_registered_once() -> None:
    """Root conftest (``pytest_plugins``) and the installed ``pytest11`` entry point name the same module."""
    proc = subprocess.run([sys.executable, "-m", "pytest", "--trace-config", "--collect-only", "-q",
                           "-p", "no:cacheprovider", "suites/lifecycle/test_index.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    registered = [ln for ln in proc.stdout.splitlines() if ln.startswith("PLUGIN registered: <module")]
    for module in ("register_conformance.plugin", "register_conformance.selection",
                   "register_conformance.reporting.collector"):
        assert sum(f"<module '{module}'" in ln for ln in registered) == 1, module
