"""Run an endpoint's checks in the order ``matrix.PRECEDENCE`` gives for its version.

A handler builds a dict of named check callables (each raises ``ApiError`` to answer early, or
returns normally) and calls :func:`run_checks`; the order lives in the table, not in the handler.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from register_sandbox.lifecycle.matrix import precedence

Check = Callable[[], Awaitable[Any] | Any]


async def run_checks(endpoint: str, version: str, checks: Mapping[str, Check]) -> None:
    """Run ``checks`` in precedence order for ``endpoint``/``version`` (a missing name is a bug)."""
    for name in precedence(endpoint, version):
        result = checks[name]()
        if inspect.isawaitable(result):
            await result
