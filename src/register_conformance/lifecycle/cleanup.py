"""Undo what the API allows after a scenario, and say what is left behind.

The API has no delete for trainees (lifecycle.md §0.1). After each test: degrees and placements the
test added are deleted while the trainee is still writable (lifecycle.md §2.1), and every trainee
whose course has started and whose state allows it is withdrawn (lifecycle.md §5.2). Anything else
(recommended or awarded trainees, future-start trainees, sub-resources of write-locked trainees) is
reported as a leftover.

Cleanup counts against a live target's request budget, so it reads a trainee only when it must: a
trainee the test withdrew itself and added nothing to needs no request; one without added degrees or
placements is withdrawn straight away (the answer says whether it worked) and read only when the
withdraw is refused, to say why it is left over.
"""

from __future__ import annotations

from typing import Any

from register_conformance.cycle import utc_today
from register_conformance.lifecycle.facts import LOCKED_STATES, WITHDRAWABLE_STATES, WITHDRAWN


class Cleanup:
    """Records what a test created; ``run`` removes what it can and returns leftover descriptions."""

    def __init__(self) -> None:
        self.trainees: dict[str, dict[str, set[str]]] = {}
        self.withdrawn_ids: set[str] = set()

    def trainee(self, trainee_id: str | None) -> None:
        if trainee_id:
            self.trainees.setdefault(trainee_id, {"degrees": set(), "placements": set()})

    def withdrawn(self, trainee_id: str) -> None:
        """The test withdrew this trainee (200): the cleanup need not withdraw (or read) it."""
        self.withdrawn_ids.add(trainee_id)

    def degree(self, trainee_id: str, degree_id: str | None) -> None:
        if degree_id and trainee_id in self.trainees:
            self.trainees[trainee_id]["degrees"].add(degree_id)

    def placement(self, trainee_id: str, placement_id: str | None) -> None:
        if placement_id and trainee_id in self.trainees:
            self.trainees[trainee_id]["placements"].add(placement_id)

    def run(self, lc: Any) -> list[str]:
        """Clean up through ``lc`` (a ``Lifecycle`` without cleanup); never raises."""
        leftovers: list[str] = []
        for trainee_id, children in self.trainees.items():
            try:
                leftovers.extend(self._one(lc, trainee_id, children, trainee_id in self.withdrawn_ids))
            except Exception as exc:  # cleanup must not turn a verdict into an error
                leftovers.append(f"trainee {trainee_id}: cleanup failed ({exc.__class__.__name__})")
        self.trainees.clear()
        self.withdrawn_ids.clear()
        return leftovers

    @staticmethod
    def _one(lc: Any, trainee_id: str, children: dict[str, set[str]], withdrawn: bool) -> list[str]:
        added = children["degrees"] or children["placements"]
        if not added and withdrawn:
            return []
        tried = False
        if not added:  # nothing to delete first: withdraw, and read only if that is refused
            if lc.withdraw(trainee_id).status_code == 200:
                return []
            tried = True
        response = lc.show(trainee_id)
        if response.status_code != 200:
            return [f"trainee {trainee_id}: unreadable during cleanup ({response.status_code})"]
        trainee = response.json()
        state = trainee.get("state")
        writable = lc.version == "v2025.0" or state not in LOCKED_STATES
        kept: list[str] = []
        for kind, delete in (("degrees", lc.delete_degree), ("placements", lc.delete_placement)):
            present = {c.get(kind[:-1] + "_id") for c in trainee.get(kind) or []}
            left = [c for c in sorted(children[kind] & present)
                    if not writable or delete(trainee_id, c).status_code != 200]
            if left:
                kept.append(f"{len(left)} {kind if len(left) > 1 else kind[:-1]}")
        notes = [f"{' and '.join(kept)} added by the test kept (write-locked)"] if kept else []
        started = (trainee.get("itt_start_date") or "9999") <= utc_today().isoformat()
        if state in WITHDRAWABLE_STATES and started:
            if tried or lc.withdraw(trainee_id).status_code != 200:
                notes.insert(0, "withdraw refused")
        elif state != WITHDRAWN:
            notes.insert(0, "course not started" if state in WITHDRAWABLE_STATES else "no API path out of this state")
        return [f"trainee {trainee_id} ({state}; {'; '.join(notes)})"] if notes else []
