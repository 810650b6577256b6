"""Today and the current academic cycle: the one place the suites' test data takes its dates from.

The service's day is the UTC day (core.md §2.7); academic cycles run 1 August – 31 July
(core.md §13.1). Test data derives every date from :class:`CycleDates` of :func:`utc_today`, so it
never expires: the same suites pass on 31 July, on 1 August, on 31 December and on 29 February.
Used by the schema suite's builders (``generation.py``, ``binding.py``), the lifecycle data
(``lifecycle/data.py``) and the compatibility suite (``suites/compatibility/data.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


def utc_today() -> date:
    """Today in UTC: the service's time zone (core.md §2.7)."""
    return datetime.now(UTC).date()


def years_ago(today: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February falls back to 28 February."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class CycleDates:
    """Dates relative to ``today`` in the current academic cycle (1 Aug – 31 Jul, core.md §13.1)."""

    today: date

    @property
    def cycle_start(self) -> date:
        """1 August of the cycle containing today."""
        year = self.today.year if self.today.month >= 8 else self.today.year - 1
        return date(year, 8, 1)

    @property
    def cycle_end(self) -> date:
        """31 July that closes the cycle containing today."""
        return date(self.cycle_start.year + 1, 7, 31)

    @property
    def started(self) -> date:
        """An ``itt_start_date`` in the current cycle that has passed (withdraw needs that, lifecycle.md
        §5): 1 September of the cycle, or today if earlier (1–31 August)."""
        return min(date(self.cycle_start.year, 9, 1), self.today)

    @property
    def future_start(self) -> date:
        """An ``itt_start_date`` three weeks after today: in the next cycle from 11 July on, so a test that
        lists such a trainee names its cycle (``academic_cycle``, :meth:`cycle_of`)."""
        return self.today + timedelta(days=21)

    @staticmethod
    def cycle_of(day: date) -> int:
        """The start year of the academic cycle containing ``day`` (the index's ``academic_cycle``)."""
        return CycleDates(day).cycle_start.year

    def end_for(self, start: date) -> date:
        """The ``itt_end_date`` closing the cycle that ``start`` falls in (31 July)."""
        return date(start.year + 1, 7, 31) if start.month >= 8 else date(start.year, 7, 31)

