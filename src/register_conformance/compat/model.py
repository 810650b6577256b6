"""The compat report's data model: severities, one change, the whole report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as _field
from typing import Any

SEVERITIES: tuple[str, ...] = ("breaking", "warning", "info")
"""Most severe first. Classified from the point of view of a client integrated against ``--from``."""

_RANK = {name: i for i, name in enumerate(SEVERITIES)}


def rank(severity: str) -> int:
    """0 for breaking, 1 for warning, 2 for info."""
    return _RANK[severity]


def downgrade(severity: str) -> str:
    """One level less severe (info stays info)."""
    return SEVERITIES[min(rank(severity) + 1, len(SEVERITIES) - 1)]


@dataclass
class Change:
    """One classified difference between two API versions.

    ``source`` is ``schema`` for changes found by the static diff and ``facts`` for known
    behavioural differences recorded as data. ``known`` lists the ids of known differences
    (``data/compat/behaviour.yaml``) that this change is evidence of.
    """

    rule: str
    severity: str
    message: str
    operation: str = ""
    location: str = ""
    field: str = ""
    before: Any = None
    after: Any = None
    source: str = "schema"
    reason: str = ""
    known: list[str] = _field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class KnownDifference:
    """A difference listed in the facts (core.md §16, lifecycle.md §8), with its class."""

    id: str
    title: str
    severity: str
    rule: str
    kind: str
    source: str
    before: str = ""
    after: str = ""
    advice: str = ""
    operations: list[str] = _field(default_factory=list)
    evidence: list[dict[str, Any]] = _field(default_factory=list)
    found_in_schema: bool = False

    @property
    def counted(self) -> bool:
        """Counted on its own: behavioural, or a schema difference the diff did not find."""
        return self.kind == "behaviour" or not self.found_in_schema

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CompatReport:
    """Everything ``compat`` found for one ``--from``/``--to`` pair."""

    from_version: str
    to_version: str
    changes: list[Change]
    known: list[KnownDifference]
    overlays_applied: bool
    elapsed_seconds: float = 0.0
    notes: list[str] = _field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Schema changes plus known differences not already counted through a schema change, per class."""
        out = dict.fromkeys(SEVERITIES, 0)
        for change in self.changes:
            out[change.severity] += 1
        for item in self.known:
            if item.counted:
                out[item.severity] += 1
        return out

    def worst(self) -> str | None:
        """The most severe class present, or None when nothing changed."""
        counts = self.counts()
        return next((s for s in SEVERITIES if counts[s]), None)

    def fails(self, fail_on: str) -> bool:
        """Whether the report reaches the ``--fail-on`` threshold (``never`` never fails)."""
        worst = self.worst()
        if fail_on == "never" or worst is None:
            return False
        return rank(worst) <= rank(fail_on)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_version,
            "to": self.to_version,
            "overlays_applied": self.overlays_applied,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "counts": self.counts(),
            "worst": self.worst(),
            "known_differences": [k.as_dict() for k in self.known],
            "changes": [c.as_dict() for c in self.changes],
            "notes": list(self.notes),
        }
