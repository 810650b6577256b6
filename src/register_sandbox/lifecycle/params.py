"""The ``data`` envelope and the permit filter (core.md §2.4–2.5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_SCALAR = (str, int, float, bool, type(None))


def permit(body: Any, scalars: Iterable[str], arrays: Iterable[str] = ()) -> dict[str, Any] | None:
    """The permitted part of ``body["data"]``, or ``None`` when the service answers "param missing".

    Unknown keys, and scalar keys given as objects/arrays, are dropped. ``None`` is returned when
    ``data`` is absent, not an object, or empty after filtering.
    """
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    if not isinstance(data, dict):
        return None
    scalars, arrays = set(scalars), set(arrays)
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key in scalars and isinstance(value, _SCALAR):
            kept[key] = value
        elif key in arrays and isinstance(value, list) and all(isinstance(v, _SCALAR) for v in value):
            kept[key] = value
    return kept or None


def blank(value: Any) -> bool:
    """Rails ``blank?`` for JSON values (None, empty or whitespace string, empty list/dict, False)."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False
