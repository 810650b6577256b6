"""Select conformance tests by the requirement ids they cite: ``--requirement ID[,ID]`` (repeatable).

Only tests whose ``@pytest.mark.requirement(...)`` markers name at least one of the given ids are
kept; the rest are deselected (reported as such, never silently skipped). Unknown ids are a usage
error (one line, exit code 4 from pytest), so a typo cannot select nothing and pass. Used by the
mutation meta-tests and the benchmark to run a defect against the tests that should catch it.
"""

from __future__ import annotations

import pytest

from register_conformance.requirements import catalogue


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("register", "Register API conformance")
    group.addoption("--requirement", dest="register_requirements", action="append", default=[], metavar="ID[,ID]",
                    help="run only the tests citing one of these requirement ids (repeatable, comma separated)")


def requested_ids(config: pytest.Config) -> set[str]:
    """The ids given with ``--requirement`` (empty: no selection)."""
    ids: set[str] = set()
    for value in config.getoption("register_requirements", None) or []:
        ids.update(part.strip() for part in str(value).split(",") if part.strip())
    return ids


def cited_ids(item: pytest.Item) -> set[str]:
    """Requirement ids cited by ``item`` through its ``requirement`` markers."""
    return {str(arg) for mark in item.iter_markers("requirement") for arg in mark.args}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = requested_ids(config)
    if not wanted:
        return
    unknown = sorted(wanted - catalogue().keys())
    if unknown:
        raise pytest.UsageError(f"--requirement: unknown requirement id(s) {', '.join(unknown)}")
    kept = [item for item in items if cited_ids(item) & wanted]
    dropped = [item for item in items if not cited_ids(item) & wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
