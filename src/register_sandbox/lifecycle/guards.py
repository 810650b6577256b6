"""Checks shared by the lifecycle endpoints: trainee lookup (404) and the v2026.1 write lock (STE)."""

from __future__ import annotations

from typing import Any

from register_sandbox.defects import is_active


class Guards:
    """Per-request state for :func:`register_sandbox.lifecycle.flow.run_checks`; subclasses add their checks
    and are declared with :func:`register_sandbox.lifecycle.flow.checks_for`."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.trainee: Any = None
        self.data: dict[str, Any] = {}

    def load_trainee(self) -> None:
        """404 ``Trainee(s) not found`` unless the provider owns the trainee."""
        if self.trainee is None:
            self.trainee = self.ctx.load_trainee()

    def state_lock(self) -> None:
        """The v2026.1 write lock (``RequestContext.assert_writable``) for degree/placement writes."""
        if is_active("writelock-missing-v2026"):
            return
        self.ctx.assert_writable(self.trainee)

    def checks(self) -> dict[str, Any]:
        """The named checks this object provides (subclasses add theirs)."""
        return {"trainee": self.load_trainee}
