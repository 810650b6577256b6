"""Where the suites and our schema overlays live: a checkout of this project, else the installed package.

A checkout (``pyproject.toml``, ``suites/``, ``openapi/manifest.json`` side by side) wins when the code
runs from one (editable install) or the current folder is inside one, so editing a suite and running
again works. Otherwise the copies the wheel carries are used: ``register_conformance/suites`` and
``register_conformance/openapi`` (``setup.py`` maps the top-level folders there at build time).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def is_checkout(folder: Path) -> bool:
    """``folder`` is the top of a checkout of this project."""
    return ((folder / "pyproject.toml").is_file() and (folder / "suites" / "conftest.py").is_file()
            and (folder / "openapi" / "manifest.json").is_file())


def checkout_root(source: Path = PACKAGE_DIR.parents[1], cwd: Path | None = None) -> Path | None:
    """The checkout the code lives in (``source``), else the one the current folder is in, else ``None``."""
    if is_checkout(source):
        return source
    here = (cwd or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_checkout(folder)), None)


def content_root() -> Path:
    """The folder holding ``suites/`` and ``openapi/`` (overlays, manifest): the checkout or the package."""
    return checkout_root() or PACKAGE_DIR


def suites_dir() -> Path:
    return content_root() / "suites"


def overlay_dir() -> Path:
    """Our overlays, their README and the manifest of the official files."""
    return content_root() / "openapi"
