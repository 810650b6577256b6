"""The lifecycle cleanup spends as few requests as it can (a live target's certify budget, issue 16)."""

from __future__ import annotations

from types import SimpleNamespace

from register_conformance.lifecycle.cleanup import Cleanup


class FakeLifecycle:
    """Records the calls the cleanup makes; ``states`` is what each trainee is in, ``withdrawable`` may withdraw."""

    version = "v2026.1"

    def __init__(self, states: dict[str, str], withdrawable: set[str]) -> None:
        self.states, self.withdrawable, self.calls = states, withdrawable, []

    def show(self, trainee_id):
        self.calls.append(("GET", trainee_id))
        return SimpleNamespace(status_code=200, json=lambda: {
            "trainee_id": trainee_id, "state": self.states[trainee_id], "itt_start_date": "2000-01-01",
            "degrees": [], "placements": []})

    def withdraw(self, trainee_id):
        self.calls.append(("withdraw", trainee_id))
        return SimpleNamespace(status_code=200 if trainee_id in self.withdrawable else 422)

    def delete_degree(self, trainee_id, degree_id):
        self.calls.append(("DELETE degree", degree_id))
        return SimpleNamespace(status_code=200)

    delete_placement = delete_degree


def test_a_plain_trainee_costs_one_withdraw_and_a_withdrawn_one_nothing():
    cleanup = Cleanup()
    for tid in ("plain", "gone"):
        cleanup.trainee(tid)
    cleanup.withdrawn("gone")
    lc = FakeLifecycle({"plain": "trn_received", "gone": "withdrawn"}, {"plain"})
    assert cleanup.run(lc) == []
    assert lc.calls == [("withdraw", "plain")]


def test_a_refused_withdraw_is_read_once_to_say_why():
    cleanup = Cleanup()
    cleanup.trainee("rec")
    lc = FakeLifecycle({"rec": "recommended_for_award"}, set())
    assert cleanup.run(lc) == ["trainee rec (recommended_for_award; no API path out of this state)"]
    assert lc.calls == [("withdraw", "rec"), ("GET", "rec")]


def test_added_children_are_read_and_deleted_before_the_withdraw():
    cleanup = Cleanup()
    cleanup.trainee("t")
    cleanup.degree("t", "d1")
    lc = FakeLifecycle({"t": "trn_received"}, {"t"})
    lc.show = lambda tid: (lc.calls.append(("GET", tid)), SimpleNamespace(status_code=200, json=lambda: {
        "state": "trn_received", "itt_start_date": "2000-01-01", "degrees": [{"degree_id": "d1"}],
        "placements": []}))[1]
    assert cleanup.run(lc) == []
    assert lc.calls == [("GET", "t"), ("DELETE degree", "d1"), ("withdraw", "t")]
