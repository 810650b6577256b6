"""The TRN wait reads a trainee a fixed number of times per wait, whatever the target's TRN delay.

A stub target on a fake clock assigns each trainee its TRN ``delay`` seconds after creation; the
``Lifecycle`` steps wait for it through ``TrnWait``. The certify budget (600 requests per version)
depends on this: 7-8 lifecycle tests wait for a TRN.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from register_conformance.lifecycle.data import TraineeData
from register_conformance.lifecycle.steps import Lifecycle
from register_conformance.lifecycle.trn_wait import TrnWait


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


class Target:
    """``POST /trainees`` and ``GET /trainees/{id}``; the TRN arrives ``delays[n]`` s after the n-th create."""

    api_version = "v2026.1"

    def __init__(self, clock: Clock, delays: list[float], retry_after: str | None = None) -> None:
        self.clock, self.delays, self.retry_after = clock, delays, retry_after
        self.due: dict[str, float] = {}
        self.reads: dict[str, list[float]] = {}

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        if method == "POST":
            tid = f"t{len(self.due)}"
            self.due[tid] = self.clock() + self.delays[len(self.due)]
            return httpx.Response(201, json={"data": {"trainee_id": tid, "state": "submitted_for_trn"}})
        tid = path.rsplit("/", 1)[1]
        self.reads.setdefault(tid, []).append(self.clock() - (self.due[tid] - self.delays[int(tid[1:])]))
        has = self.clock() >= self.due[tid]
        headers = {"Retry-After": self.retry_after} if self.retry_after and not has else {}
        state = "trn_received" if has else "submitted_for_trn"
        return httpx.Response(200, headers=headers,
                              json={"trainee_id": tid, "state": state, "trn": "1234567" if has else None})


def run(delays: list[float], timeout: float = 30.0, retry_after: str | None = None) -> tuple[Target, TrnWait]:
    clock = Clock()
    target = Target(clock, delays, retry_after)
    trn = TrnWait(timeout, clock=clock, sleep=clock.sleep)
    for _ in delays:  # one test after the other, each with its own steps, sharing the run's TrnWait
        lc = Lifecycle(target, TraineeData("r1", "v2026.1"), trn=trn)  # type: ignore[arg-type]
        tid = lc.new_trainee()["trainee_id"]
        clock.sleep(0.3)  # the test's other steps
        assert lc.wait_for_trn(tid)["trn"] == "1234567"
    return target, trn


@pytest.mark.parametrize("delay", [0.0, 0.5, 3.0, 12.0, 25.0, 29.0])
def test_a_slow_trn_costs_a_few_reads_once_not_per_wait(delay: float) -> None:
    target, _ = run([delay] * 8)
    counts = [len(reads) for reads in target.reads.values()]
    assert max(counts) <= 5
    assert counts[1:] == [1] * 7  # later waits read first at the age the TRN was seen
    assert sum(counts) <= 12  # the old schedule read ~9 times per wait at 25 s: 70 reads


def test_a_fast_target_is_read_once_soon_after_creation() -> None:
    target, trn = run([0.0] * 8)
    assert list(target.reads.values()) == [[pytest.approx(1.0)]] * 8
    assert trn.seen_at == pytest.approx(1.0)


def test_the_read_count_does_not_grow_with_the_timeout() -> None:
    target, _ = run([250.0, 250.0], timeout=300.0)
    assert [len(r) for r in target.reads.values()] == [5, 1]


def test_a_longer_delay_later_is_still_waited_for_and_raises_the_remembered_age() -> None:
    target, trn = run([2.0, 2.0, 20.0, 20.0])
    counts = [len(r) for r in target.reads.values()]
    assert counts[:2] == [len(target.reads["t0"]), 1] and counts[2] <= 5 and counts[3] == 1
    assert trn.seen_at is not None and trn.seen_at >= 20.0


def test_no_trn_within_the_timeout_skips_after_a_fixed_number_of_reads() -> None:
    clock = Clock()
    target = Target(clock, [1e9])
    lc = Lifecycle(target, TraineeData("r1", "v2026.1"), trn=TrnWait(30.0, clock=clock, sleep=clock.sleep))  # type: ignore[arg-type]
    tid = lc.new_trainee()["trainee_id"]
    start = clock()
    with pytest.raises(pytest.skip.Exception, match="within 30s"):
        lc.wait_for_trn(tid)
    assert len(target.reads[tid]) == 5
    assert clock() - start == pytest.approx(30.0)  # the last read is a whole timeout after the wait began


def test_retry_after_on_a_read_puts_the_next_read_off() -> None:
    target, _ = run([25.0], retry_after="12")
    reads = target.reads["t0"]
    assert all(b - a >= 12 for a, b in itertools.pairwise(reads))
    assert len(reads) <= 5
