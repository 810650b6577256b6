"""Unit tests of the state-machine table, the operation × state matrix and the precedence table."""

from __future__ import annotations

import pytest

from register_sandbox.lifecycle import matrix
from register_sandbox.lifecycle import state_machine as sm

#: lifecycle.md §1.2, restated independently of the module.
EXPECTED_EDGES = {
    "submit_for_trn": ({"draft", "deferred"}, "submitted_for_trn"),
    "receive_trn": ({"submitted_for_trn", "deferred", "trn_received"}, "trn_received"),
    "recommend_for_award": ({"trn_received"}, "recommended_for_award"),
    "withdraw": ({"submitted_for_trn", "trn_received", "deferred"}, "withdrawn"),
    "defer": ({"submitted_for_trn", "trn_received"}, "deferred"),
    "award": ({"recommended_for_award"}, "awarded"),
}


def test_table_matches_facts() -> None:
    assert {t.event: (set(t.sources), t.target) for t in sm.TRANSITIONS} == EXPECTED_EDGES


@pytest.mark.parametrize("event", sorted(EXPECTED_EDGES))
@pytest.mark.parametrize("state", sm.STATES)
def test_apply_every_event_from_every_state(event: str, state: str) -> None:
    sources, target = EXPECTED_EDGES[event]
    if state in sources:
        assert sm.apply(event, state) == target
        assert sm.can(event, state)
    else:
        with pytest.raises(sm.TransitionNotAllowed) as info:
            sm.apply(event, state)
        assert str(info.value) == f"Can't {event} when in {state}"
        assert (info.value.event, info.value.state) == (event, state)


def test_refusal_message() -> None:
    with pytest.raises(sm.TransitionNotAllowed, match=r"^Can't withdraw when in awarded$"):
        sm.apply("withdraw", "awarded")


def test_unknown_event() -> None:
    with pytest.raises(KeyError):
        sm.apply("reinstate", "deferred")


def test_groupings() -> None:
    assert {"recommended_for_award", "withdrawn", "awarded"} == sm.WRITE_LOCKED_STATES
    assert sm.COMPLETE_STATES == sm.WRITE_LOCKED_STATES
    assert {"submitted_for_trn", "trn_received", "recommended_for_award"} == sm.IN_TRAINING_STATES


@pytest.mark.parametrize(
    ("state", "trn", "new_trn", "expected"),
    [
        ("submitted_for_trn", None, "1234567", {"trn": "1234567", "state": "trn_received"}),
        ("trn_received", "1111111", "2222222", {"state": "trn_received"}),  # TRN kept
        ("deferred", None, "1234567", {"trn": "1234567"}),  # state kept
        ("withdrawn", None, "1234567", {"trn": "1234567"}),  # state kept
        ("deferred", "1111111", None, {}),
    ],
)
def test_trn_received_rules(state: str, trn: str | None, new_trn: str | None, expected: dict) -> None:
    assert sm.trn_received({"state": state, "trn": trn}, new_trn) == expected


def test_trn_received_needs_a_trn_and_a_legal_state() -> None:
    with pytest.raises(ValueError):
        sm.trn_received({"state": "submitted_for_trn", "trn": None}, None)
    with pytest.raises(sm.TransitionNotAllowed):
        sm.trn_received({"state": "awarded", "trn": "1234567"}, None)


def test_award_requires_date() -> None:
    assert sm.award({"state": "recommended_for_award"}, "2026-11-01") == {
        "awarded_at": "2026-11-01", "state": "awarded"}
    with pytest.raises(ValueError):
        sm.award({"state": "recommended_for_award"}, None)


def test_validation_rejects_bad_tables() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        sm.validate([*sm.TRANSITIONS, sm.Transition("x", ("draft",), "limbo")])
    trap = [t for t in sm.TRANSITIONS if t.event != "defer"] + [sm.Transition("defer", ("trn_received",), "deferred")]
    # deferred still has outgoing edges; remove them to create a trap
    trap = [t if t.event not in ("withdraw", "submit_for_trn", "receive_trn")
            else sm.Transition(t.event, tuple(s for s in t.sources if s != "deferred") or ("draft",), t.target)
            for t in trap]
    with pytest.raises(ValueError, match="trap state deferred"):
        sm.validate(trap)
    with pytest.raises(ValueError, match="final state"):
        sm.validate([*sm.TRANSITIONS, sm.Transition("undo", ("withdrawn",), "trn_received")])
    with pytest.raises(ValueError, match="duplicate"):
        sm.validate([*sm.TRANSITIONS, sm.TRANSITIONS[0]])


def test_markdown_rendering() -> None:
    text = sm.as_markdown()
    assert text.splitlines()[0] == "| Event | From | To | Effect | Triggered by API |"
    assert "| `withdraw` | `submitted_for_trn`, `trn_received`, `deferred` | `withdrawn` |" in text
    assert len(text.splitlines()) == 2 + len(sm.TRANSITIONS)


# --- matrix -----------------------------------------------------------------------------------------

#: lifecycle.md §2.2 rows, column order draft … awarded, restated here.
EXPECTED_ROWS = {
    (matrix.READ, "v2025.0"): "ok ok ok ok ok ok ok",
    (matrix.READ, "v2026.1"): "ok ok ok ok ok ok ok",
    (matrix.UPDATE_TRAINEE, "v2025.0"): "ok ok ok ok ok ok ok",
    (matrix.UPDATE_TRAINEE, "v2026.1"): "ok ok ok STE STE ok STE",
    (matrix.DEGREE_WRITE, "v2025.0"): "ok ok ok ok ok ok ok",
    (matrix.DEGREE_WRITE, "v2026.1"): "ok ok ok STE STE ok STE",
    (matrix.PLACEMENT_WRITE, "v2025.0"): "ok ok ok ok ok ok ok",
    (matrix.PLACEMENT_WRITE, "v2026.1"): "ok ok ok STE STE ok STE",
    (matrix.WITHDRAW, "v2025.0"): "STE ok-fut ok-fut STE STE ok-fut STE",
    (matrix.WITHDRAW, "v2026.1"): "STE ok-fut ok-fut STE STE ok-fut STE",
    (matrix.DEFER, "v2025.0"): "S-D ok ok S-D S-D S-D S-D",
    (matrix.DEFER, "v2026.1"): "S-D ok ok S-D S-D S-D S-D",
    (matrix.RECOMMEND, "v2025.0"): "S-R S-R ok S-R S-R S-R S-R",
    (matrix.RECOMMEND, "v2026.1"): "S-R S-R ok S-R S-R S-R S-R",
}


@pytest.mark.parametrize("key", sorted(EXPECTED_ROWS))
def test_matrix_rows(key: tuple[str, str]) -> None:
    expected = dict(zip(sm.STATES, EXPECTED_ROWS[key].split(), strict=True))
    assert matrix.MATRIX[key] == expected
    for state in sm.STATES:
        assert matrix.outcome(key[0], state, key[1]) == expected[state]


def test_rc_alias_is_exempt_from_write_lock() -> None:
    assert not matrix.write_locked("withdrawn", "v2025.0-rc")
    assert matrix.write_locked("withdrawn", "v2026.1")
    assert not matrix.write_locked("deferred", "v2026.1")


def test_precedence_table() -> None:
    assert matrix.precedence("degrees.update", "v2026.1") == (
        "trainee", "state_lock", "degree", "data", "duplicate", "validation")
    assert matrix.precedence("placements.create", "v2025.0") == ("data", "trainee", "validation")
    assert matrix.precedence("defer", "v2026.1")[-1] == "defer_state"
    for (endpoint, version), steps in matrix.PRECEDENCE.items():
        assert len(set(steps)) == len(steps), endpoint
        assert ("state_lock" in steps) == (version == "v2026.1" and endpoint.split(".")[0] in
                                           ("degrees", "placements")), endpoint


def test_matrix_and_precedence_mismatches_fail() -> None:
    """The import-time checks refuse a table that disagrees with the state machine or with the other table."""
    matrix.check_matrix()
    matrix.check_precedence()
    deferrable = {**matrix.MATRIX, (matrix.DEFER, "v2026.1"): {**matrix.MATRIX[(matrix.DEFER, "v2026.1")],
                                                                "deferred": matrix.OK}}
    with pytest.raises(ValueError, match="disagrees with event defer"):
        matrix.check_matrix(deferrable)
    unlocked = {**matrix.MATRIX, (matrix.DEGREE_WRITE, "v2026.1"): dict.fromkeys(sm.STATES, matrix.OK)}
    with pytest.raises(ValueError, match="write lock"):
        matrix.check_matrix(unlocked)
    no_lock = {**matrix.PRECEDENCE, ("degrees.create", "v2026.1"): ("trainee", "data", "duplicate", "validation")}
    with pytest.raises(ValueError, match="state_lock disagrees with the matrix"):
        matrix.check_precedence(no_lock)
    typo = {**matrix.PRECEDENCE, ("defer", "v2025.0"): ("data", "trainee", "validaton", "defer_state")}
    with pytest.raises(ValueError, match="unknown or repeated"):
        matrix.check_precedence(typo)


def test_flow_class_must_match_precedence() -> None:
    """A check the table never runs (or a step without a check) fails where the flow class is declared."""
    from register_sandbox.lifecycle.flow import checks_for
    from register_sandbox.lifecycle.guards import Guards

    class Defer(Guards):
        def checks(self) -> dict:
            return {**super().checks(), "data": None, "validation": None, "defer_state": None}

    assert checks_for("defer")(Defer).endpoints == frozenset({"defer"})

    class Extra(Defer):
        def checks(self) -> dict:
            return {**super().checks(), "state_lock": None}

    with pytest.raises(ValueError, match=r"never run by PRECEDENCE \['state_lock'\]"):
        checks_for("defer")(Extra)
    with pytest.raises(ValueError, match=r"\['defer_state'\], steps without a check \['withdraw_state'\]"):
        checks_for("withdraw")(Defer)
