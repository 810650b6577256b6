"""Build mapping: the top-level ``suites/`` and ``openapi/`` folders ship inside ``register_conformance``.

The repository keeps them at the top (that is where people edit them); the wheel and the sdist carry
them as ``register_conformance/suites`` (an importable package: ``pytest --pyargs
register_conformance.suites``) and ``register_conformance/openapi`` (overlays, manifest, README).
Everything else (metadata, package data globs) is in ``pyproject.toml``.
"""

from setuptools import find_namespace_packages, setup

MAPPED = {"register_conformance.suites": "suites", "register_conformance.openapi": "openapi"}
SKIP = ["__pycache__", "*.__pycache__", ".*", "*..*"]


def packages() -> list[str]:
    found = find_namespace_packages("src", exclude=[*SKIP, "*.egg-info"])
    for name, folder in MAPPED.items():
        found += [name, *(f"{name}.{sub}" for sub in find_namespace_packages(folder, exclude=SKIP))]
    return found


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import packages() alone
    setup(packages=packages(), package_dir={"": "src", **MAPPED})
