"""Placements: school linking, validation, PUT merge and the stored shape (lifecycle.md §4).

Columns are ``urn``, ``name``, ``postcode`` and ``school_urn`` (the link to a known fixture school;
a linked row stores ``urn``/``name``/``postcode`` as null). The stored ``data`` dict is the public
response object minus ``placement_id``/timestamps, with the columns under ``_columns``.
"""

from __future__ import annotations

import re
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.defects import is_active
from register_sandbox.lifecycle import messages as msg
from register_sandbox.values import blank, text

#: Keys accepted by PUT/PATCH (POST permits more but keeps only these).
PERMITTED: tuple[str, ...] = ("urn", "name", "postcode")

#: Extra keys POST permits and discards, per version (§4.1) — they keep ``data`` non-empty.
POST_EXTRA: dict[str, tuple[str, ...]] = {
    "v2025.0": ("ethnic_group", "ethnic_background", "employing_school_urn", "lead_partner_urn",
                "lead_partner_ukprn", "application_id"),
    "v2026.1": ("ethnic_group", "ethnic_background", "employing_school_urn", "training_partner_urn",
                "training_partner_ukprn", "application_id", "course_subject_1", "course_subject_2",
                "course_subject_3", "iqts_country"),
}

NOT_APPLICABLE_URNS: frozenset[str] = frozenset({"900000", "900010", "900020", "900030"})

_URN = re.compile(r"^[0-9]{6}$")
# UK postcode shape (outward code, optional single space, inward code), case-insensitive. Kept to
# the shape only: which letters the service's postcode library rejects is not pinned by the facts.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$", re.IGNORECASE)


def valid_postcode(value: str) -> bool:
    """True for a syntactically valid UK postcode (``BN1 1AA``, ``sw1a1aa``)."""
    return bool(_POSTCODE.match(value.strip()))


def _school_for(urn: Any) -> dict[str, Any] | None:
    urn = text(urn)
    if blank(urn) or urn in NOT_APPLICABLE_URNS:
        return None
    return ref.school(urn)


def map_input(body: dict[str, Any]) -> dict[str, Any]:
    """POST columns: link to a known school (discarding urn/name/postcode) or store as given."""
    school = _school_for(body.get("urn"))
    if school is not None:
        return {"urn": None, "name": None, "postcode": None, "school_urn": school["urn"]}
    return {
        "urn": text(body.get("urn")),
        "name": text(body.get("name")),
        "postcode": text(body.get("postcode")),
        "school_urn": None,
    }


def merge_update(stored: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """PUT/PATCH columns (§4.4): the rebuild drops any school link; a sent known URN re-links."""
    cols = {"urn": stored.get("urn"), "name": stored.get("name"), "postcode": stored.get("postcode"),
            "school_urn": None}
    for key in PERMITTED:
        if key in body:
            cols[key] = text(body[key])
    school = _school_for(cols["urn"]) if "urn" in body else None
    if school is not None:
        return {"urn": None, "name": None, "postcode": None, "school_urn": school["urn"]}
    return cols


def validate(cols: dict[str, Any]) -> list[str]:
    """Error messages (§4.2) in declaration order: urn, name, postcode."""
    if cols.get("school_urn"):
        return []
    errors: list[str] = []
    urn = cols.get("urn")
    if not blank(urn) and not _URN.match(str(urn)):
        errors.append(msg.URN_INVALID)
    if blank(cols.get("name")):
        errors.append(msg.NAME_BLANK)
    postcode = cols.get("postcode")
    if not blank(postcode) and not valid_postcode(str(postcode)):
        errors.append(msg.POSTCODE_INVALID)
    return errors


def address(cols: dict[str, Any]) -> str | None:
    """The response ``address`` (§4.3)."""
    school = ref.school(cols["school_urn"]) if cols.get("school_urn") else None
    if school is not None:
        return f"URN {school['urn']}, {school.get('town')}, {school.get('postcode')}"
    urn = cols.get("urn")
    if urn in NOT_APPLICABLE_URNS:
        return None
    parts = [f"URN {urn}"] if not blank(urn) else []
    if is_active("input-urn-only-placement-no-address") and blank(cols.get("postcode")):
        return None  # defect: the address is built only when there is a postcode
    if not blank(cols.get("postcode")):
        parts.append(str(cols["postcode"]))
    return ", ".join(parts) or None


def to_data(cols: dict[str, Any]) -> dict[str, Any]:
    """The stored ``data`` dict: ``urn``, ``name``, ``postcode``, ``address`` plus ``_columns``."""
    school = ref.school(cols["school_urn"]) if cols.get("school_urn") else None
    if school is not None:
        public = {"urn": school["urn"], "name": school.get("name"), "postcode": school.get("postcode")}
    else:
        public = {"urn": cols.get("urn"), "name": cols.get("name"), "postcode": cols.get("postcode")}
    return {**public, "address": address(cols), "_columns": dict(cols)}


def columns_of(data: dict[str, Any]) -> dict[str, Any]:
    """The columns of a stored placement ``data`` dict."""
    cols = data.get("_columns")
    if cols:
        return dict(cols)
    return {"urn": data.get("urn"), "name": data.get("name"), "postcode": data.get("postcode"), "school_urn": None}


def validate_new_placement(item: dict[str, Any], version: str) -> tuple[dict[str, Any], list[str]]:
    """Nested ``placements_attributes`` item on trainee create → (placement ``data``, errors).

    Errors carry no ``placements_attributes`` prefix. The placeholder names that the service gives the
    four special URNs on trainee create are not pinned by the facts; a blank name there is kept blank
    and therefore still reported (``name can't be blank``) unless the caller fills it first.
    """
    body = {k: v for k, v in item.items() if k in PERMITTED} if isinstance(item, dict) else {}
    cols = map_input(body)
    return to_data(cols), validate(cols)
