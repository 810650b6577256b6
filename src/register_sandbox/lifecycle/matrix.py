"""Operation × state outcomes (lifecycle.md §2.2) and check precedence (§2.3), as data.

``MATRIX`` is the §2.2 table transcribed row by row; :func:`outcome` reads it, and every rule about
which state allows what asks it (the v2026.1 write lock, the states you may withdraw, defer or
recommend from). ``PRECEDENCE`` lists, per endpoint and version, the named checks in the order the
service runs them; the route handlers run exactly these steps in this order (``lifecycle/flow.py``),
so tests can iterate both tables. Both tables are checked at import against the state machine and
against each other: a mismatch fails at import, not inside a request.
"""

from __future__ import annotations

from typing import Final

from register_sandbox.lifecycle.state_machine import EVENTS, STATES, WRITE_LOCKED_STATES

V2025: Final = "v2025.0"
V2026: Final = "v2026.1"
VERSIONS: tuple[str, ...] = (V2025, V2026)

# Outcomes
OK: Final = "ok"  # allowed (normal validation still applies)
OK_UNLESS_FUTURE: Final = "ok-fut"  # allowed unless itt_start_date is after today (then STE)
STE: Final = "STE"  # 422 StateTransitionError
S_D: Final = "S-D"  # 422 `state is invalid must be one of [submitted_for_trn, trn_received]`
S_R: Final = "S-R"  # 422 `state must be selected as trn_received` (accumulated)

# Operations
READ: Final = "read"  # GET trainee, GET degrees/placements (list and one)
UPDATE_TRAINEE: Final = "update_trainee"
DEGREE_WRITE: Final = "degree_write"
PLACEMENT_WRITE: Final = "placement_write"
WITHDRAW: Final = "withdraw"
DEFER: Final = "defer"
RECOMMEND: Final = "recommend"
OPERATIONS: tuple[str, ...] = (READ, UPDATE_TRAINEE, DEGREE_WRITE, PLACEMENT_WRITE, WITHDRAW, DEFER, RECOMMEND)
#: The writes the v2026.1 lock refuses in the complete states (one row shape, ``_LOCKED``).
WRITE_OPERATIONS: tuple[str, ...] = (UPDATE_TRAINEE, DEGREE_WRITE, PLACEMENT_WRITE)

_ALL = dict.fromkeys(STATES, OK)
_LOCKED = {s: (STE if s in WRITE_LOCKED_STATES else OK) for s in STATES}


def _row(*outcomes: str) -> dict[str, str]:
    """A matrix row in §2.2 column order: draft, submitted, trn_received, recommended, withdrawn,
    deferred, awarded."""
    return dict(zip(STATES, outcomes, strict=True))


_WITHDRAW = _row(STE, OK_UNLESS_FUTURE, OK_UNLESS_FUTURE, STE, STE, OK_UNLESS_FUTURE, STE)
_DEFER = _row(S_D, OK, OK, S_D, S_D, S_D, S_D)
_RECOMMEND = _row(S_R, S_R, OK, S_R, S_R, S_R, S_R)

#: (operation, version) → {state: outcome}; §2.2 verbatim.
MATRIX: dict[tuple[str, str], dict[str, str]] = {
    (READ, V2025): _ALL,
    (READ, V2026): _ALL,
    (UPDATE_TRAINEE, V2025): _ALL,
    (UPDATE_TRAINEE, V2026): _LOCKED,
    (DEGREE_WRITE, V2025): _ALL,
    (DEGREE_WRITE, V2026): _LOCKED,
    (PLACEMENT_WRITE, V2025): _ALL,
    (PLACEMENT_WRITE, V2026): _LOCKED,
    (WITHDRAW, V2025): _WITHDRAW,
    (WITHDRAW, V2026): _WITHDRAW,
    (DEFER, V2025): _DEFER,
    (DEFER, V2026): _DEFER,
    (RECOMMEND, V2025): _RECOMMEND,
    (RECOMMEND, V2026): _RECOMMEND,
}

#: The state-machine event each state-changing operation fires.
OPERATION_EVENTS: dict[str, str] = {WITHDRAW: "withdraw", DEFER: "defer", RECOMMEND: "recommend_for_award"}

def api_version(version: str) -> str:
    """Normalise a path version (``v2025.0-rc`` is rewritten to ``v2025.0``)."""
    return V2025 if version.startswith("v2025.0") else version


def outcome(operation: str, state: str, version: str) -> str:
    """The §2.2 outcome of ``operation`` on a trainee in ``state`` under ``version``."""
    return MATRIX[(operation, api_version(version))][state]


def allowed(operation: str, state: str, version: str) -> bool:
    """True if the §2.2 outcome lets ``operation`` go ahead in ``state`` (``ok``, or ``ok-fut`` before the
    start-date check)."""
    return outcome(operation, state, version) in (OK, OK_UNLESS_FUTURE)


def write_locked(state: str, version: str) -> bool:
    """True if ``version`` refuses trainee/degree/placement writes in ``state`` (the v2026.1 lock)."""
    return outcome(UPDATE_TRAINEE, state, version) == STE


def check_matrix(table: dict[tuple[str, str], dict[str, str]] = MATRIX) -> None:
    """The matrix is complete and agrees with the state machine: the states an operation is allowed
    from are exactly its event's sources; the write rows lock exactly ``WRITE_LOCKED_STATES`` in v2026.1
    and nothing in v2025.0."""
    for key in ((op, v) for op in OPERATIONS for v in VERSIONS):
        if key not in table or set(table[key]) != set(STATES):
            raise ValueError(f"matrix row {key} missing or not covering every state")
    for op, event in OPERATION_EVENTS.items():
        for version in VERSIONS:
            sources = {s for s, o in table[(op, version)].items() if o in (OK, OK_UNLESS_FUTURE)}
            if sources != set(EVENTS[event].sources) - {"draft"}:
                raise ValueError(f"matrix row {op}/{version} disagrees with event {event}")
    for op in WRITE_OPERATIONS:
        for version, locked in ((V2025, frozenset()), (V2026, WRITE_LOCKED_STATES)):
            refused = {s for s, o in table[(op, version)].items() if o != OK}
            if refused != locked or any(o not in (OK, STE) for o in table[(op, version)].values()):
                raise ValueError(f"matrix row {op}/{version} disagrees with the write lock {sorted(locked)}")


check_matrix()

# --- check precedence (§2.3) -----------------------------------------------------------------------

# Step names
TRAINEE_404: Final = "trainee"  # 404 Trainee(s) not found
STATE_LOCK: Final = "state_lock"  # v2026.1 write lock → STE
DATA_422: Final = "data"  # 422 Param is missing … data
DEGREE_404: Final = "degree"  # 404 Degree(s) not found
PLACEMENT_404: Final = "placement"  # 404 Placement(s) not found
DUPLICATE_409: Final = "duplicate"  # 409 This is a duplicate degree (beats validation)
VALIDATION_422: Final = "validation"  # 422 field errors
WITHDRAW_STATE: Final = "withdraw_state"  # STE: state / start date / commencement
DEFER_STATE: Final = "defer_state"  # S-D, only when there are no field errors
RECOMMEND_ALL: Final = "recommend_all"  # date + degree + placements + state, accumulated

_DEG_UPDATE = (DEGREE_404, DATA_422, DUPLICATE_409, VALIDATION_422)
_PL_UPDATE = (PLACEMENT_404, DATA_422, VALIDATION_422)

#: (endpoint, version) → the ordered checks (first failure wins; the last step is the action).
PRECEDENCE: dict[tuple[str, str], tuple[str, ...]] = {
    ("degrees.create", V2026): (TRAINEE_404, STATE_LOCK, DATA_422, DUPLICATE_409, VALIDATION_422),
    ("degrees.create", V2025): (TRAINEE_404, DATA_422, DUPLICATE_409, VALIDATION_422),
    ("degrees.update", V2026): (TRAINEE_404, STATE_LOCK, *_DEG_UPDATE),
    ("degrees.update", V2025): (TRAINEE_404, *_DEG_UPDATE),
    ("degrees.destroy", V2026): (TRAINEE_404, STATE_LOCK, DEGREE_404),
    ("degrees.destroy", V2025): (TRAINEE_404, DEGREE_404),
    ("placements.create", V2026): (TRAINEE_404, STATE_LOCK, DATA_422, VALIDATION_422),
    ("placements.create", V2025): (DATA_422, TRAINEE_404, VALIDATION_422),
    ("placements.update", V2026): (TRAINEE_404, STATE_LOCK, *_PL_UPDATE),
    ("placements.update", V2025): (TRAINEE_404, *_PL_UPDATE),
    ("placements.destroy", V2026): (TRAINEE_404, STATE_LOCK, PLACEMENT_404),
    ("placements.destroy", V2025): (TRAINEE_404, PLACEMENT_404),
    ("withdraw", V2026): (TRAINEE_404, DATA_422, WITHDRAW_STATE, VALIDATION_422),
    ("withdraw", V2025): (TRAINEE_404, DATA_422, WITHDRAW_STATE, VALIDATION_422),
    ("defer", V2026): (DATA_422, TRAINEE_404, VALIDATION_422, DEFER_STATE),
    ("defer", V2025): (DATA_422, TRAINEE_404, VALIDATION_422, DEFER_STATE),
    ("recommend", V2026): (DATA_422, TRAINEE_404, RECOMMEND_ALL),
    ("recommend", V2025): (DATA_422, TRAINEE_404, RECOMMEND_ALL),
}


#: Every step name a ``PRECEDENCE`` entry may use.
STEPS: frozenset[str] = frozenset({TRAINEE_404, STATE_LOCK, DATA_422, DEGREE_404, PLACEMENT_404, DUPLICATE_409,
                                   VALIDATION_422, WITHDRAW_STATE, DEFER_STATE, RECOMMEND_ALL})

#: endpoint → the §2.2 operation it performs, and the step that refuses it in a state the matrix refuses.
ENDPOINT_OPERATIONS: dict[str, tuple[str, str]] = {
    **{f"degrees.{action}": (DEGREE_WRITE, STATE_LOCK) for action in ("create", "update", "destroy")},
    **{f"placements.{action}": (PLACEMENT_WRITE, STATE_LOCK) for action in ("create", "update", "destroy")},
    "withdraw": (WITHDRAW, WITHDRAW_STATE),
    "defer": (DEFER, DEFER_STATE),
    "recommend": (RECOMMEND, RECOMMEND_ALL),
}


def precedence(endpoint: str, version: str) -> tuple[str, ...]:
    """The ordered checks for ``endpoint`` under ``version``."""
    return PRECEDENCE[(endpoint, api_version(version))]


def endpoint_steps(*endpoints: str) -> frozenset[str]:
    """Every step ``PRECEDENCE`` runs for these endpoints in any version."""
    return frozenset(step for e in endpoints for v in VERSIONS for step in PRECEDENCE[(e, v)])


def check_precedence(table: dict[tuple[str, str], tuple[str, ...]] = PRECEDENCE) -> None:
    """Every endpoint has an order per version, of known steps, each once; the step that refuses by
    state is there exactly when the matrix refuses the endpoint's operation in some state."""
    if set(table) != {(e, v) for e in ENDPOINT_OPERATIONS for v in VERSIONS}:
        raise ValueError("PRECEDENCE and ENDPOINT_OPERATIONS name different endpoints/versions")
    for (endpoint, version), steps in table.items():
        if not set(steps) <= STEPS or len(set(steps)) != len(steps):
            raise ValueError(f"PRECEDENCE {endpoint}/{version} has unknown or repeated steps: {steps}")
        operation, state_step = ENDPOINT_OPERATIONS[endpoint]
        refuses = any(o not in (OK, OK_UNLESS_FUTURE) for o in MATRIX[(operation, version)].values())
        if refuses != (state_step in steps):
            raise ValueError(f"PRECEDENCE {endpoint}/{version}: step {state_step} disagrees with the matrix")


check_precedence()
