"""How the lifecycle suite waits for the asynchronous TRN: a fixed number of reads per wait.

The TRN arrives from a background job (lifecycle.md §1), seconds or minutes after the trainee was
created, and the suite's request budget (certify: at most 600 per API version) must hold whatever
that delay is. So one wait reads the trainee at most ``reads`` times (5), the last one ``timeout``
seconds after the wait began, the gaps between reads doubling. And the pacing is shared by the
whole run (one ``TrnWait`` per pytest session): it remembers how old a trainee was when its TRN
was first seen, and later waits read first at that age (counted from the trainee's creation), so
on a slow target only the first wait pays for finding the delay; the others read once. A wait that
misses at the remembered age keeps reading on its schedule and the remembered age is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TrnWait:
    """Read schedule of the TRN waits of one run (one target and API version)."""

    def __init__(self, timeout: float = 30.0, *, reads: int = 5, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.timeout = timeout
        self.reads = max(2, reads)
        self.clock = clock
        self.sleep = sleep
        #: First read of an unknown target: 1/30 of the timeout (0.25–10 s) after creation.
        self.first = min(10.0, max(0.25, timeout / 30))
        #: Age (seconds since creation) at which a TRN was last seen to be there; None until one was.
        self.seen_at: float | None = None
        self._created: dict[str, float] = {}

    def created(self, trainee_id: str) -> None:
        """Note when a trainee was created (its TRN's age is counted from here)."""
        self._created[trainee_id] = self.clock()

    def schedule(self, trainee_id: str) -> list[float]:
        """Clock times of this wait's reads: at most ``reads``, the last ``timeout`` s from now."""
        now = self.clock()
        born = min(self._created.get(trainee_id, now), now)
        deadline = now + self.timeout
        first = min(max(now, born + (self.first if self.seen_at is None else self.seen_at)), deadline)
        # The remaining reads: gaps doubling from ``first`` so that the last read is at the deadline;
        # reads closer than ``self.first`` to the previous one are dropped (only the deadline is kept).
        count = self.reads - 1
        span = deadline - first
        times = [first]
        for k in range(1, count + 1):
            at = deadline if k == count else first + span * (2 ** k - 1) / (2 ** count - 1)
            if at - times[-1] >= self.first or (k == count and at > times[-1]):
                times.append(at)
        return times

    def seen(self, trainee_id: str, missed: bool) -> None:
        """The TRN was there at this read; ``missed``: an earlier read of the same wait did not see it."""
        age = self.clock() - min(self._created.get(trainee_id, self.clock()), self.clock())
        if self.seen_at is None or missed:
            self.seen_at = age
        else:
            self.seen_at = min(self.seen_at, age)

    def until(self, at: float, not_before: float = 0.0) -> None:
        """Sleep until clock time ``at`` (or ``not_before`` seconds from now, if later)."""
        self.sleep(max(at - self.clock(), not_before, 0.0))
