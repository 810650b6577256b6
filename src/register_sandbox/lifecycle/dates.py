"""Date parsing with the leniency of Ruby's ``Date.iso8601`` / ``DateTime.iso8601`` (core.md §2.8).

Accepted: calendar ``YYYY-MM-DD`` / ``YYYYMMDD``, ordinal ``YYYY-DDD`` / ``YYYYDDD``, week
``YYYY-Www-D`` / ``YYYYWwwD``, each optionally followed by a ``T…`` time part (ignored). Anything
else, and calendar-invalid dates, give ``None``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

_TIME = r"(?:[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_CAL = re.compile(rf"^([+-]?\d{{4}})-(\d{{2}})-(\d{{2}}){_TIME}$|^(\d{{4}})(\d{{2}})(\d{{2}}){_TIME}$")
_ORD = re.compile(rf"^(\d{{4}})-?(\d{{3}}){_TIME}$")
_WEEK = re.compile(rf"^(\d{{4}})-?W(\d{{2}})-?(\d){_TIME}$")


def parse_iso_date(value: Any) -> date | None:
    """The date part of an ISO-8601 date or date-time string, or ``None`` if it does not parse."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if m := _CAL.match(text):
            y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
            return date(int(y), int(mo), int(d))
        if m := _ORD.match(text):
            year, day = int(m.group(1)), int(m.group(2))
            if not 1 <= day <= (366 if _leap(year) else 365):
                return None
            return date(year, 1, 1) + timedelta(days=day - 1)
        if m := _WEEK.match(text):
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def as_date(value: Any) -> date | None:
    """A stored date column (``date`` or ``YYYY-MM-DD`` string) as a ``date``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_iso_date(str(value))


def timestamp_ms(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds (``2025-09-15T12:34:56.000Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def timestamp_s(moment: datetime) -> str:
    """UTC ISO-8601 without fraction (``2025-09-15T12:34:56Z``), as ``recommended_for_award_at``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
