"""Date/time formats of the API (core.md §2.7, §2.8) and academic-cycle arithmetic."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta


def ts_ms(moment: datetime) -> str:
    """UTC timestamp with milliseconds: ``2025-09-15T12:34:56.000Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ts_s(moment: datetime) -> str:
    """UTC timestamp without fraction: ``2025-09-15T12:34:56Z`` (``recommended_for_award_at``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def midnight_ms(day: str) -> str:
    """``YYYY-MM-DD`` → ``YYYY-MM-DDT00:00:00.000Z``."""
    return f"{day}T00:00:00.000Z"


_ORDINAL = re.compile(r"^(\d{4})-?(\d{3})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})-?(\d)$")
_CAL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


def parse_iso_date(value: object) -> date | None:
    """Strict ISO 8601 date parser (calendar, basic, ordinal, week; a date-time keeps its date part).

    Returns ``None`` when the value is not a parseable, calendar-valid date.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if "T" in text:
        text = text.split("T", 1)[0]
    try:
        m = _CAL.match(text)
        if m and (len(text) == 10) == ("-" in text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _ORDINAL.match(text)
        if m:
            return date(int(m[1]), 1, 1) + timedelta(days=int(m[2]) - 1) if 1 <= int(m[2]) <= 366 else None
        m = _WEEK.match(text)
        if m:
            return date.fromisocalendar(int(m[1]), int(m[2]), int(m[3]))
    except (ValueError, OverflowError):
        return None
    return None


_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


def parse_since(value: str) -> datetime | None:
    """Parse an ISO 8601 date or date-time for ``since`` (naive → UTC). ``None`` if invalid."""
    m = _DATETIME.match(value.strip())
    if not m:
        return None
    try:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        micro = int((m[7] or "0")[:6].ljust(6, "0"))
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
        tz = m[8]
        if tz and tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            moment -= sign * offset
        return moment
    except (ValueError, OverflowError):
        return None


def cycle_start_year(day: date) -> int:
    """Start year of the academic cycle (1 Aug – 31 Jul) containing ``day``."""
    return day.year if day.month >= 8 else day.year - 1


def cycle_label(start_year: int) -> str:
    """``2026`` → ``"2026 to 2027"``."""
    return f"{start_year} to {start_year + 1}"


#: Seeded academic cycles (core.md §7.1): 2015/16 … 2030/31.
SEEDED_CYCLES = range(2015, 2031)
