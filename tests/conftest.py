"""Order of our own tests: the long end-to-end ones first.

Under ``pytest -n 4`` (the README's test command) xdist hands tests to workers in collection order; the
meta-tests (whole suite runs against a sandbox with a defect, 10–80 s each) collected last would start
last and leave the other workers idle at the end. Running them first only changes the order, never what
a test checks.
"""

from __future__ import annotations

import pytest

#: Folders whose tests run whole suites against a sandbox process.
LONG_FIRST = ("tests/meta/",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    items.sort(key=lambda item: not item.path.relative_to(root).as_posix().startswith(LONG_FIRST))
