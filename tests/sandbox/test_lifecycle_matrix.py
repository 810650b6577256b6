"""The operation × state matrix of lifecycle.md §2.2 over HTTP, every state, both versions.

The expected outcome of each cell comes from ``lifecycle.matrix.MATRIX`` (itself checked against the
facts in ``test_lifecycle_state_machine.py``); this file checks that the server does what the table says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from register_sandbox.lifecycle import matrix
from register_sandbox.lifecycle.state_machine import STATES

from .lifecycle_support import AWARD_DELAY, DEGREE, PLACEMENT, STE, TRN_DELAY, Lifecycle, unprocessable, withdraw_body

S_D = unprocessable("state is invalid must be one of [submitted_for_trn, trn_received]")
S_R = unprocessable("state must be selected as trn_received")


@pytest.fixture
def make_lc(make_api: Callable[..., Any]) -> Callable[[str], Lifecycle]:
    def factory(version: str) -> Lifecycle:
        return Lifecycle(make_api(trn_delay=TRN_DELAY, award_delay=AWARD_DELAY), version)
    return factory


# Each write operation: (name, matrix operation, call, success status)
Call = Callable[[Lifecycle, str], Any]

WRITES: list[tuple[str, str, Call, int]] = [
    ("POST degree", matrix.DEGREE_WRITE,
     lambda lc, t: lc.call("POST", lc.url(t, "/degrees"), {"data": {**DEGREE, "graduation_year": "2019"}}), 201),
    ("PATCH degree", matrix.DEGREE_WRITE,
     lambda lc, t: lc.call("PATCH", lc.url(t, f"/degrees/{lc.first_degree(t)}"), {"data": {"grade": "01"}}), 200),
    ("PUT degree", matrix.DEGREE_WRITE,
     lambda lc, t: lc.call("PUT", lc.url(t, f"/degrees/{lc.first_degree(t)}"), {"data": {"grade": "03"}}), 200),
    ("DELETE degree", matrix.DEGREE_WRITE,
     lambda lc, t: lc.call("DELETE", lc.url(t, f"/degrees/{lc.first_degree(t)}")), 200),
    ("POST placement", matrix.PLACEMENT_WRITE,
     lambda lc, t: lc.call("POST", lc.url(t, "/placements"), {"data": dict(PLACEMENT)}), 201),
    ("PATCH placement", matrix.PLACEMENT_WRITE,
     lambda lc, t: lc.call("PATCH", lc.url(t, f"/placements/{lc.first_placement(t)}"),
                           {"data": {"postcode": "GU1 1AA"}}), 200),
    ("DELETE placement", matrix.PLACEMENT_WRITE,
     lambda lc, t: lc.call("DELETE", lc.url(t, f"/placements/{lc.first_placement(t)}")), 200),
]

CASES = [(v, s) for v in matrix.VERSIONS for s in STATES]


@pytest.mark.parametrize(("version", "state"), CASES)
def test_reads_allowed_in_every_state(make_lc: Callable[[str], Lifecycle], version: str, state: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    assert lc.trainee(t)["state"] == state
    for suffix in ("/degrees", "/placements", f"/degrees/{lc.first_degree(t)}",
                   f"/placements/{lc.first_placement(t)}"):
        assert lc.call("GET", lc.url(t, suffix)).status_code == 200, suffix


@pytest.mark.parametrize(("version", "state"), CASES)
def test_degree_and_placement_writes(make_lc: Callable[[str], Lifecycle], version: str, state: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    for name, operation, call, success in WRITES:
        before = lc.trainee(t)
        r = call(lc, t)
        expected = matrix.outcome(operation, state, version)
        if expected == matrix.STE:
            assert (r.status_code, r.json()) == (422, STE), name
            after = lc.trainee(t)
            assert (after["degrees"], after["placements"], after["updated_at"]) == (
                before["degrees"], before["placements"], before["updated_at"]), name
        else:
            assert r.status_code == success, (name, r.text)
            if name.startswith("DELETE"):
                assert r.json()["data"]["trainee_id"] == t
                assert r.json()["data"]["state"] == state
        if name == "DELETE degree" and expected != matrix.STE:  # keep one degree for the next rows
            lc.call("POST", lc.url(t, "/degrees"), {"data": dict(DEGREE)})


@pytest.mark.parametrize(("version", "state"), CASES)
def test_trainee_update_lock(make_lc: Callable[[str], Lifecycle], version: str, state: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    r = lc.call("PATCH", lc.url(t), {"data": {"first_names": "Janet"}})
    if matrix.outcome(matrix.UPDATE_TRAINEE, state, version) == matrix.STE:
        assert (r.status_code, r.json()) == (422, STE)
    else:
        assert r.status_code == 200, r.text


@pytest.mark.parametrize(("version", "state"), CASES)
def test_withdraw(make_lc: Callable[[str], Lifecycle], version: str, state: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    r = lc.call("POST", lc.url(t, "/withdraw"), withdraw_body(version))
    expected = matrix.outcome(matrix.WITHDRAW, state, version)
    if expected == matrix.STE:
        assert (r.status_code, r.json()) == (422, STE)
        assert lc.trainee(t)["state"] == state
    else:
        assert r.status_code == 200, r.text
        assert r.json()["data"]["state"] == "withdrawn"
        assert lc.trainee(t)["state"] == "withdrawn"


@pytest.mark.parametrize(("version", "state"), CASES)
def test_defer(make_lc: Callable[[str], Lifecycle], version: str, state: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    r = lc.call("POST", lc.url(t, "/defer"), {"data": {"defer_date": "2026-11-01"}})
    if matrix.outcome(matrix.DEFER, state, version) == matrix.S_D:
        assert (r.status_code, r.json()) == (422, S_D)
        assert lc.trainee(t)["state"] == state
    else:
        assert r.status_code == 200, r.text
        assert (r.json()["data"]["state"], r.json()["data"]["defer_date"]) == ("deferred", "2026-11-01")


@pytest.mark.parametrize("path", ["/recommend-for-qts", "/update-qts-or-eyts-status"])
@pytest.mark.parametrize(("version", "state"), CASES)
def test_recommend(make_lc: Callable[[str], Lifecycle], version: str, state: str, path: str) -> None:
    lc = make_lc(version)
    t = lc.reach(state)
    r = lc.call("POST", lc.url(t, path), {"data": {"qts_standards_met_date": "2026-11-02"}})
    if matrix.outcome(matrix.RECOMMEND, state, version) == matrix.S_R:
        assert (r.status_code, r.json()) == (422, S_R)
        assert lc.trainee(t)["state"] == state
    else:
        assert r.status_code == 202, r.text
        assert r.json()["data"]["state"] == "recommended_for_award"


@pytest.mark.parametrize("version", matrix.VERSIONS)
def test_withdraw_refused_before_course_starts(make_lc: Callable[[str], Lifecycle], version: str) -> None:
    """L15: trn_received with itt_start_date tomorrow → STE (same for submitted and deferred)."""
    lc = make_lc(version)
    for state in ("submitted_for_trn", "trn_received", "deferred"):
        t = lc.reach(state, itt_start_date="2026-11-28")
        r = lc.call("POST", lc.url(t, "/withdraw"), withdraw_body(version, date="2026-11-28"))
        assert (r.status_code, r.json()) == (422, STE), state
        assert lc.trainee(t)["state"] == state
