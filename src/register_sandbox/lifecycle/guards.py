"""Checks shared by the lifecycle endpoints: trainee lookup (404) and the v2026.1 write lock (STE)."""

from __future__ import annotations

from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.lifecycle.matrix import write_locked
from register_sandbox.responses import ApiError, state_transition_error


class Guards:
    """Per-request state for :func:`register_sandbox.lifecycle.flow.run_checks`."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.trainee: Any = None
        self.data: dict[str, Any] = {}

    def load_trainee(self) -> None:
        """404 ``Trainee(s) not found`` unless the provider owns the trainee."""
        if self.trainee is None:
            self.trainee = self.ctx.load_trainee()

    def state_lock(self) -> None:
        """v2026.1: STE for degree/placement writes in recommended_for_award/withdrawn/awarded."""
        if is_active("writelock-missing-v2026"):
            return
        if write_locked(self.trainee.state, self.ctx.version):
            raise ApiError(state_transition_error())

    def checks(self) -> dict[str, Any]:
        """The named checks this object provides (subclasses add theirs)."""
        return {"trainee": self.load_trainee, "state_lock": self.state_lock}
