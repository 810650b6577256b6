"""Parameter helpers shared by the lifecycle rules."""

from __future__ import annotations

from typing import Any


def blank(value: Any) -> bool:
    """Rails ``blank?`` for JSON values (None, empty or whitespace string, empty list/dict, False)."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False
