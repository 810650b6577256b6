"""The ``Enhanced-Errors: true`` transformation of validation messages (core.md §5.3)."""

from __future__ import annotations

from typing import Any

DEGREE_FIELDS = frozenset({
    "country", "grade", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year",
    "other_grade", "id", "locale_code", "institution_uuid", "uk_degree_uuid", "subject_uuid", "grade_uuid",
    "slug",
})
PLACEMENT_FIELDS = frozenset({"urn", "name", "postcode"})
_NESTED = {"degrees_attributes": DEGREE_FIELDS, "placements_attributes": PLACEMENT_FIELDS}


def _add(target: dict[str, Any], key: str, message: str) -> None:
    target.setdefault(key, []).append(message)


def enhance(messages: list[str], version: str) -> dict[str, Any]:
    """Group ``"<attr> <message>"`` strings by attribute; v2026.1 nests degree/placement errors."""
    out: dict[str, Any] = {}
    nested = version != "v2025.0"
    for text in messages:
        parts = text.split()
        key = parts[0] if parts else ""
        rest = parts[1:]
        if nested and key in _NESTED:
            if rest and rest[0] in _NESTED[key]:
                group = out.setdefault(key, {})
                if isinstance(group, list):  # mixed shapes: keep the first shape's container
                    group.append(" ".join(rest))
                else:
                    _add(group, rest[0], " ".join(rest[1:]))
            else:
                group = out.setdefault(key, [])
                if isinstance(group, dict):
                    _add(group, "base", " ".join(rest))
                else:
                    group.append(" ".join(rest))
            continue
        if nested and key in PLACEMENT_FIELDS:
            _add(out.setdefault("placements_attributes", {}), key, " ".join(rest))
            continue
        if nested and key in DEGREE_FIELDS:
            _add(out.setdefault("degrees_attributes", {}), key, " ".join(rest))
            continue
        _add(out, key, " ".join(rest))
    return out
