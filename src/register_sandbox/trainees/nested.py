"""``degrees_attributes`` / ``placements_attributes`` on trainee create.

Each item goes through the same rules as the degree and placement endpoints
(``lifecycle.degrees.validate_new_degree``, ``is_duplicate_degree``,
``lifecycle.placements.validate_new_placement``); only the placeholder names of the special URNs
are particular to trainee create.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.lifecycle.degrees import is_duplicate_degree, validate_new_degree
from register_sandbox.lifecycle.placements import validate_new_placement

DEGREE_KEYS = ("country", "grade", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year",
               "other_grade")
PLACEMENT_KEYS = ("urn", "name", "postcode")
#: Placeholder names for the special URNs on trainee create (wording unverified; lifecycle.md §4.1).
PLACEHOLDER_NAMES = {
    "900000": "Not applicable", "900010": "Outside England and Wales",
    "900020": "No URN", "900030": "Not available",
}


def _scalars(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k in keys and not isinstance(v, (dict, list))}


def degrees(items: list[dict[str, Any]], version: str, today: date) -> tuple[list[dict[str, Any]], list[str], bool]:
    """(degree data list, error strings, duplicate-found) for nested degrees."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in items:
        data, errs = validate_new_degree(_scalars(item, DEGREE_KEYS), version, today)
        if is_active("input-nested-non-uk-country-lost"):
            data["country"] = None  # defect: the nested path forgets the country mapping
            data["_columns"]["country"] = None
        out.append(data)
        errors.extend(errs)
    duplicate = any(is_duplicate_degree(a, b) for i, a in enumerate(out) for b in out[i + 1:])
    return out, errors, duplicate


def placements(items: list[dict[str, Any]], version: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(placement data list, errors without the ``placements_attributes`` prefix)."""
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in items:
        fields = _scalars(item, PLACEMENT_KEYS)
        urn = str(fields.get("urn")) if fields.get("urn") is not None else None
        if urn in PLACEHOLDER_NAMES and not (isinstance(fields.get("name"), str) and fields["name"].strip()):
            fields["name"] = PLACEHOLDER_NAMES[urn]  # placeholder names exist only on trainee create
        data, errs = validate_new_placement(fields, version)
        out.append(data)
        errors.extend(errs)
    return out, errors
