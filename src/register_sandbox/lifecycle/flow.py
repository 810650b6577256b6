"""Run an endpoint's checks in the order ``matrix.PRECEDENCE`` gives for its version.

A handler's flow class (a :class:`~register_sandbox.lifecycle.guards.Guards`) names its check callables
in ``checks()`` (each raises ``ApiError`` to answer early, or returns normally) and is declared with
:func:`checks_for` for the endpoints it serves; the handler calls :func:`run_checks`. The order lives
in the table, not in the handler. ``checks_for`` compares the names with the table when the route
module is imported: a check the table never runs, or a step the class does not provide, fails there.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from register_sandbox.lifecycle.matrix import endpoint_steps, precedence

Check = Callable[[], Awaitable[Any] | Any]
FlowClass = TypeVar("FlowClass", bound=type)


def checks_for(*endpoints: str) -> Callable[[FlowClass], FlowClass]:
    """Class decorator: the flow class provides exactly the steps ``PRECEDENCE`` runs for ``endpoints``."""

    def declare(cls: FlowClass) -> FlowClass:
        provided = set(cls(None).checks())
        needed = endpoint_steps(*endpoints)
        if provided != needed:
            raise ValueError(f"{cls.__name__} for {', '.join(endpoints)}: checks never run by PRECEDENCE "
                             f"{sorted(provided - needed)}, steps without a check {sorted(needed - provided)}")
        cls.endpoints = frozenset(endpoints)
        return cls

    return declare


async def run_checks(endpoint: str, version: str, checks: Mapping[str, Check]) -> None:
    """Run ``checks`` in precedence order for ``endpoint``/``version``."""
    for name in precedence(endpoint, version):
        result = checks[name]()
        if inspect.isawaitable(result):
            await result
