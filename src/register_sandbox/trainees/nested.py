"""``degrees_attributes`` / ``placements_attributes`` on trainee create.

Delegates to the lifecycle helper's validators when they exist
(``register_sandbox.lifecycle.degrees.validate_new_degree``, ``is_duplicate_degree``,
``register_sandbox.lifecycle.placements.validate_new_placement``); otherwise a minimal local version.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from functools import cache
from typing import Any

from register_sandbox import reference_data as ref

DEGREE_KEYS = ("country", "grade", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year",
               "other_grade")
PLACEMENT_KEYS = ("urn", "name", "postcode")
UK_COUNTRIES = frozenset({"XF", "XG", "XH", "XI", "XK"})
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
#: Placeholder names for the special URNs on trainee create (wording unverified; lifecycle.md §4.1).
PLACEHOLDER_NAMES = {
    "900000": "Not applicable", "900010": "Outside England and Wales",
    "900020": "No URN", "900030": "Not available",
}


@cache
def _lifecycle(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(f"register_sandbox.lifecycle.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def _scalars(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k in keys and not isinstance(v, (dict, list))}


def degrees(items: list[dict[str, Any]], version: str, today: date) -> tuple[list[dict[str, Any]], list[str], bool]:
    """(degree data list, error strings, duplicate-found) for nested degrees."""
    validate = _lifecycle("degrees", "validate_new_degree") or _minimal_degree
    same = _lifecycle("degrees", "is_duplicate_degree") or _same_degree
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in items:
        data, errs = validate(_scalars(item, DEGREE_KEYS), version, today)
        out.append(data)
        errors.extend(errs)
    duplicate = any(same(a, b) for i, a in enumerate(out) for b in out[i + 1:])
    return out, errors, duplicate


def placements(items: list[dict[str, Any]], version: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(placement data list, errors without the ``placements_attributes`` prefix)."""
    validate = _lifecycle("placements", "validate_new_placement") or _minimal_placement
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in items:
        fields = _scalars(item, PLACEMENT_KEYS)
        urn = str(fields.get("urn")) if fields.get("urn") is not None else None
        if urn in PLACEHOLDER_NAMES and not (isinstance(fields.get("name"), str) and fields["name"].strip()):
            fields["name"] = PLACEHOLDER_NAMES[urn]  # placeholder names exist only on trainee create
        data, errs = validate(fields, version)
        out.append(data)
        errors.extend(errs)
    return out, errors


def _code(field: str, value: Any) -> str | None:
    return str(value) if value is not None and ref.entry(field, str(value)) else None


def _minimal_degree(item: dict[str, Any], version: str, today: date) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    country = item.get("country")
    uk = not country or str(country) in UK_COUNTRIES or bool(item.get("institution"))
    year_raw = item.get("graduation_year")
    year: Any = year_raw
    if isinstance(year_raw, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", year_raw):
        year = int(year_raw[:4])
    next_year = today.year + 1
    if year is None or year == "":
        errors.append("graduation_year must be entered if specifying a previous UK degree or non-UK degree")
    else:
        try:
            number = int(year)
        except (TypeError, ValueError):
            number = None
        if number is not None and number > next_year:
            errors.append("graduation_year must be in the past, for example 2014")
        if number is None or not next_year - 60 <= number <= next_year:
            errors.append("graduation_year is invalid")
        year = number
    subject = _code("degree_subject", item.get("subject"))
    if subject is None:
        errors.append("subject must be entered if specifying a previous UK degree or non-UK degree")
    grade_in = "14" if str(item.get("grade")) == "09" else item.get("grade")
    grade = _code("degree_grade", grade_in)
    data: dict[str, Any] = {
        "uk_degree": None, "non_uk_degree": None, "subject": subject, "institution": None,
        "graduation_year": year, "grade": grade, "country": None, "other_grade": None,
        "institution_uuid": None, "uk_degree_uuid": None, "subject_uuid": None, "grade_uuid": None,
    }
    if uk:
        institution = "0149" if str(item.get("institution")) == "0133" else item.get("institution")
        data["institution"] = _code("institution", institution)
        if not item.get("uk_degree"):
            errors.append("uk_degree must be entered if specifying a previous UK degree")
        elif _code("degree_type", item["uk_degree"]) is None:
            errors.append("uk_degree " + ref.inclusion_message(item["uk_degree"], ref.codes("degree_type")))
        else:
            data["uk_degree"] = str(item["uk_degree"])
        if grade is None:
            errors.append("grade must be entered if specifying a previous UK degree or non-UK degree")
    else:
        if _code("country", country) is None:
            errors.append("country " + ref.inclusion_message(country, [c for c in ref.codes("country") if c]))
        else:
            data["country"] = str(country)
        if not item.get("non_uk_degree"):
            errors.append("non_uk_degree must be entered if specifying a previous non-UK degree")
        elif _code("degree_type", item["non_uk_degree"]) is None:
            errors.append("non_uk_degree " + ref.inclusion_message(item["non_uk_degree"], ref.codes("degree_type")))
        else:
            data["non_uk_degree"] = str(item["non_uk_degree"])
    return data, errors


def _same_degree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("subject", "graduation_year", "country", "uk_degree", "non_uk_degree", "grade")
    return all(a.get(k) == b.get(k) for k in keys)


def _minimal_placement(item: dict[str, Any], version: str) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    urn = item.get("urn")
    urn_text = str(urn) if urn is not None else None
    school = ref.school(urn_text) if urn_text else None
    if school:
        address = f"URN {school['urn']}, {school.get('town')}, {school.get('postcode')}"
        return {"urn": school["urn"], "name": school.get("name"), "postcode": school.get("postcode"),
                "address": address}, errors
    name = item.get("name")
    if urn_text in PLACEHOLDER_NAMES and not name:
        name = PLACEHOLDER_NAMES[urn_text]
    if urn_text and not re.match(r"^[0-9]{6}$", urn_text):
        errors.append("urn is invalid")
    if not name or (isinstance(name, str) and not name.strip()):
        errors.append("name can't be blank")
    postcode = item.get("postcode")
    if postcode and not POSTCODE.match(str(postcode).strip()):
        errors.append("postcode Enter a valid postcode (for example, BN1 1AA)")
    parts = [f"URN {urn_text}"] if urn_text else []
    if postcode:
        parts.append(str(postcode))
    address = None if urn_text in PLACEHOLDER_NAMES or not parts else ", ".join(parts)
    return {"urn": urn_text, "name": None if name is None else str(name),
            "postcode": None if postcode is None else str(postcode), "address": address}, errors
