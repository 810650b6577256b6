"""How the sandbox reads a JSON request value the way the Rails service does: ``blank?`` and ``to_s``."""

from __future__ import annotations

from typing import Any


def blank(value: Any) -> bool:
    """Rails ``blank?`` for JSON values: None, false, an empty or whitespace-only string, an empty list/dict."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


def text(value: Any) -> str | None:
    """Ruby ``to_s``-style coercion of a JSON scalar (``true``/``false`` as words); None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
