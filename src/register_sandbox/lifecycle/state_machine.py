"""The trainee state machine as data (lifecycle.md §1).

``TRANSITIONS`` is the whole definition: one row per event with its source states and target. The
table is validated when this module is imported (known states, an initial state, no trap states,
every state reaches a final one), so a bad edit fails at import, not inside a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: All states in their integer-enum order (lifecycle.md §1.1).
STATES: tuple[str, ...] = (
    "draft",
    "submitted_for_trn",
    "trn_received",
    "recommended_for_award",
    "withdrawn",
    "deferred",
    "awarded",
)

#: The state a new record starts in (``POST /trainees`` saves a draft and submits it at once).
INITIAL_STATE = "draft"

#: States with no way out through events (withdrawal can only be undone in the UI).
FINAL_STATES: frozenset[str] = frozenset({"withdrawn", "awarded"})

#: ``Trainee::COMPLETE_STATES``; ``awaiting_action?`` is false for these.
COMPLETE_STATES: frozenset[str] = frozenset({"recommended_for_award", "withdrawn", "awarded"})

#: ``Trainee::IN_TRAINING_STATES``.
IN_TRAINING_STATES: frozenset[str] = frozenset({"submitted_for_trn", "trn_received", "recommended_for_award"})

#: States in which v2026.1 refuses trainee/degree/placement writes with a StateTransitionError.
WRITE_LOCKED_STATES: frozenset[str] = COMPLETE_STATES


@dataclass(frozen=True)
class Transition:
    """One event of the machine: fires from any of ``sources`` and lands in ``target``."""

    event: str
    sources: tuple[str, ...]
    target: str
    effect: str = ""
    via_api: str = ""


#: lifecycle.md §1.2, in the order of the model's ``enum … do event …`` block.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit_for_trn", ("draft", "deferred"), "submitted_for_trn",
               "sets submitted_for_trn_at", "implicitly by POST /trainees"),
    Transition("receive_trn", ("submitted_for_trn", "deferred", "trn_received"), "trn_received",
               "see trn_received()", "no (TRS job)"),
    Transition("recommend_for_award", ("trn_received",), "recommended_for_award",
               "sets recommended_for_award_at", "recommend endpoints"),
    Transition("withdraw", ("submitted_for_trn", "trn_received", "deferred"), "withdrawn",
               "", "POST …/withdraw"),
    Transition("defer", ("submitted_for_trn", "trn_received"), "deferred", "", "POST …/defer"),
    Transition("award", ("recommended_for_award",), "awarded",
               "requires awarded_at", "no (TRS job)"),
)

EVENTS: dict[str, Transition] = {t.event: t for t in TRANSITIONS}


class TransitionNotAllowed(Exception):
    """An event fired from a state that is not one of its sources."""

    def __init__(self, event: str, state: str) -> None:
        self.event = event
        self.state = state
        super().__init__(f"Can't {event} when in {state}")


def can(event: str, state: str) -> bool:
    """``can_<event>?``: true iff ``state`` is a source of ``event``."""
    return state in EVENTS[event].sources


def apply(event: str, state: str) -> str:
    """The state after firing ``event`` in ``state``; raises :class:`TransitionNotAllowed`."""
    if event not in EVENTS:
        raise KeyError(f"unknown event {event!r}")
    if not can(event, state):
        raise TransitionNotAllowed(event, state)
    return EVENTS[event].target


def trn_received(trainee: Mapping[str, Any], new_trn: str | None) -> dict[str, Any]:
    """Changes made by ``Trainee#trn_received!`` (the TRS job), as a dict of new column values.

    Raises ``ValueError`` if neither a new nor an existing TRN is present. Deferred and withdrawn
    trainees keep their state; every other state fires ``receive_trn`` (raising if not allowed).
    The TRN is stored only if the trainee had none.
    """
    existing = trainee.get("trn")
    if not new_trn and not existing:
        raise ValueError("a TRN is required")
    changes: dict[str, Any] = {}
    if not existing:
        changes["trn"] = new_trn
    state = trainee["state"]
    if state not in ("deferred", "withdrawn"):
        changes["state"] = apply("receive_trn", state)
    return changes


def award(trainee: Mapping[str, Any], awarded_at: Any) -> dict[str, Any]:
    """Changes made by ``Trainee#award_qts!(awarded_at)``; raises if not allowed or no date."""
    if not awarded_at:
        raise ValueError("awarded_at is required")
    return {"awarded_at": awarded_at, "state": apply("award", trainee["state"])}


# --- validation at import --------------------------------------------------------------------------


def _successors(transitions: Iterable[Transition]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {s: set() for s in STATES}
    for t in transitions:
        for source in t.sources:
            graph[source].add(t.target)
    return graph


def _reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def validate(transitions: Iterable[Transition] = TRANSITIONS) -> None:
    """Check the table; raises ``ValueError`` describing the first problem found."""
    transitions = tuple(transitions)
    names = [t.event for t in transitions]
    if len(set(names)) != len(names):
        raise ValueError("duplicate event names")
    for t in transitions:
        unknown = {*t.sources, t.target} - set(STATES)
        if unknown:
            raise ValueError(f"event {t.event} uses unknown states {sorted(unknown)}")
        if not t.sources:
            raise ValueError(f"event {t.event} has no source state")
    graph = _successors(transitions)
    if INITIAL_STATE not in STATES:
        raise ValueError("no initial state")
    unreachable = set(STATES) - _reachable(graph, INITIAL_STATE)
    if unreachable:
        raise ValueError(f"states unreachable from {INITIAL_STATE}: {sorted(unreachable)}")
    for state in STATES:
        if state in FINAL_STATES:
            if graph[state]:
                raise ValueError(f"final state {state} has outgoing transitions")
            continue
        if not graph[state] - {state}:
            raise ValueError(f"trap state {state}: no way out and not final")
        if not _reachable(graph, state) & FINAL_STATES:
            raise ValueError(f"state {state} cannot reach a final state")


def as_markdown(transitions: Iterable[Transition] = TRANSITIONS) -> str:
    """The table as markdown (Event | From | To | Effect | Triggered by API), for the docs."""
    lines = ["| Event | From | To | Effect | Triggered by API |", "|---|---|---|---|---|"]
    for t in transitions:
        sources = ", ".join(f"`{s}`" for s in t.sources)
        lines.append(f"| `{t.event}` | {sources} | `{t.target}` | {t.effect or '—'} | {t.via_api or '—'} |")
    return "\n".join(lines) + "\n"


validate()
