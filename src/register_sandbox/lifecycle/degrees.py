"""Degrees: input mapping, validation, duplicates, PUT merge and the stored shape (lifecycle.md §3).

A degree is kept like the service keeps it: *columns* holding reference-data **labels** (plus
``locale_code`` and the ``*_uuid`` ids). The stored ``data`` dict (see ``sandbox-interfaces.md`` §4)
is the public response object minus ``degree_id``/timestamps, with the columns under ``_columns``.

Pure functions only; the HTTP side is in ``routes/degrees.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.defects import is_active
from register_sandbox.lifecycle import messages as msg
from register_sandbox.lifecycle.matrix import V2025, api_version
from register_sandbox.values import blank

#: Keys a client may send (POST and PUT/PATCH); anything else is dropped.
PERMITTED: tuple[str, ...] = (
    "country", "grade", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year", "other_grade",
)

#: Public keys of a degree object, in response order (§3.4), without the timestamps.
PUBLIC_KEYS: tuple[str, ...] = (
    "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year", "grade", "country",
    "other_grade", "institution_uuid", "uk_degree_uuid", "subject_uuid", "grade_uuid",
)

#: Countries whose label makes a degree UK (§3.2 step 2), by code.
UK_COUNTRY_CODES: frozenset[str] = frozenset({"XF", "XG", "XH", "XI", "XK"})
UK_COUNTRY_LABELS: frozenset[str] = frozenset(
    {"England", "Northern Ireland", "Scotland", "Wales", "United Kingdom, not otherwise specified"}
)

OTHER_UK_INSTITUTION = "Other UK institution"
OTHER_UK_INSTITUTION_UUID = "02132969-f5bc-47ca-be9c-b6f6d5b05e1b"

#: Fields compared by the duplicate check (§3.5); institution is not one of them.
DUPLICATE_FIELDS: tuple[str, ...] = ("subject", "graduation_year", "country", "uk_degree", "non_uk_degree", "grade")

#: v2025.0 inclusion messages list the first ten codes in source order (§3.3).
_V2025_EXAMPLES: dict[str, tuple[str, ...]] = {
    "country": ("AF", "XQ", "AX", "AL", "DZ", "AS", "AD", "AO", "AI", "XX"),
    "degree_type": ("002", "010", "013", "014", "051", "052", "053", "054", "055", "056"),
}

_WIDENED = ("locale_code", "uk_degree", "uk_degree_uuid", "non_uk_degree", "country")
_YMD = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})")
_LEADING_INT = re.compile(r"^\s*([+-]?\d+)")


@dataclass(frozen=True)
class Invalid:
    """An "invalid value" marker: a non-empty code that is not in the list, carrying the raw input."""

    raw: Any

    def __str__(self) -> str:
        return _ruby_str(self.raw)


def _ruby_str(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# --- reference lookups -----------------------------------------------------------------------------


def _code(value: Any) -> str | None:
    """A sent code as the lookup key (None for blank)."""
    if blank(value):
        return None
    return _ruby_str(value).strip() if isinstance(value, str) else _ruby_str(value)


def _label(entry: dict[str, Any]) -> str:
    """The stored label of a reference entry: ``label``, else ``name``, else ``display_name``."""
    return entry.get("label") or entry.get("name") or entry.get("display_name") or ""


def _uuid(field: str, entry: dict[str, Any] | None) -> str | None:
    """The reference-data id of an entry (null when the list has none)."""
    if entry is None or not entry.get("id"):
        return None
    return str(entry["id"])


@cache
def _label_index(field: str) -> dict[str, dict[str, Any]]:
    """Every known label of a list (stored label first, then names, display names, aliases and
    HESA labels), case-insensitive; an earlier kind of label is never shadowed by a later one."""
    index: dict[str, dict[str, Any]] = {}
    entries = ref.entries(field)
    for getter in (lambda e: [_label(e)], lambda e: [e.get("name"), e.get("display_name")],
                   lambda e: list(e.get("aliases") or []), lambda e: [e.get("hesa_label")]):
        for e in entries:
            for label in getter(e):
                if isinstance(label, str) and label:
                    index.setdefault(label.casefold(), e)
    return index


def _country_label(entry: dict[str, Any], version: str) -> str:
    """v2026.1: the service label; v2025.0: the HESA long label when the list knows it."""
    if api_version(version) == V2025:
        return entry.get("hesa_label") or _label(entry)
    return _label(entry)


def _entry_for_label(field: str, label: Any) -> dict[str, Any] | None:
    if not isinstance(label, str) or not label:
        return None
    return _label_index(field).get(label.strip().casefold())


def _code_of_label(field: str, label: Any) -> str | None:
    """HESA code of a stored label (null when nothing matches or the entry has no code)."""
    entry = _entry_for_label(field, label)
    return entry.get("code") if entry else None


def inclusion(field: str, attribute: str, value: Any, version: str) -> str:
    """``<attribute> has invalid reference data value of '<v>'. …`` for a degree code list."""
    if api_version(version) == V2025 and field in _V2025_EXAMPLES:
        examples = ", ".join(f"'{c}'" for c in _V2025_EXAMPLES[field])
        text = f"has invalid reference data value of '{_ruby_str(value)}'. Example values include {examples}..."
    else:
        text = ref.inclusion_message(_ruby_str(value), ref.codes(field))
    return f"{attribute} {text}"


# --- mapping (§3.2) --------------------------------------------------------------------------------


def graduation_year_input(value: Any) -> Any:
    """Step 9: a ``YYYY-MM-DD`` string gives its year; anything else passes through."""
    if isinstance(value, str):
        m = _YMD.match(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).year
            except ValueError:
                return value
    return value


def map_input(body: dict[str, Any], version: str) -> dict[str, Any]:
    """Map a request body (HESA codes) to degree columns (labels), exactly as §3.2."""
    cols: dict[str, Any] = {}
    # 1. country
    country_code = _code(body.get("country"))
    country: Any = None
    if country_code is not None:
        entry = ref.entry("country", country_code)
        country = _country_label(entry, version) if entry else Invalid(body.get("country"))
    # 2. UK test
    is_uk = (
        country_code is None
        or (country_code in UK_COUNTRY_CODES)
        or (isinstance(country, str) and country in UK_COUNTRY_LABELS)
        or not blank(body.get("institution"))
    )
    cols["locale_code"] = "uk" if is_uk else "non_uk"
    # 3. country stored only for non-UK degrees
    cols["country"] = None if is_uk else country
    # 4. institution (UK only)
    if is_uk:
        inst_code = _code(body.get("institution"))
        if inst_code == "0133":
            inst_code = "0149"
        entry = ref.entry("institution", inst_code) if inst_code else None
        if entry is None:
            cols["institution"] = OTHER_UK_INSTITUTION
            cols["institution_uuid"] = _other_uk_institution_uuid()
        else:
            cols["institution"] = _label(entry)
            cols["institution_uuid"] = _uuid("institution", entry)
    else:
        cols["institution"] = None
        cols["institution_uuid"] = None
    # 5. subject
    subject = ref.entry("degree_subject", _code(body.get("subject")))
    cols["subject"] = _label(subject) if subject else None
    cols["subject_uuid"] = _uuid("degree_subject", subject)
    # 6./7. degree types (computed regardless of locale)
    for key in ("uk_degree", "non_uk_degree"):
        code = _code(body.get(key))
        entry = ref.entry("degree_type", code) if code else None
        cols[key] = _label(entry) if entry else (Invalid(body.get(key)) if code else None)
        if key == "uk_degree":
            cols["uk_degree_uuid"] = _uuid("degree_type", entry) if is_uk else None
    # 8. grade
    grade_code = _code(body.get("grade"))
    if grade_code == "09" and not is_active("degree-grade-09-kept"):
        grade_code = "14"
    grade = ref.entry("degree_grade", grade_code) if grade_code else None
    cols["grade"] = _label(grade) if grade else None
    cols["grade_uuid"] = _uuid("degree_grade", grade)
    # 9. graduation year
    cols["graduation_year"] = graduation_year_input(body.get("graduation_year"))
    # 10. other grade
    cols["other_grade"] = body.get("other_grade") if cols["grade"] == "Other" else None
    return cols


def _other_uk_institution_uuid() -> str:
    entry = _entry_for_label("institution", OTHER_UK_INSTITUTION)
    return str(entry["id"]) if entry and entry.get("id") else OTHER_UK_INSTITUTION_UUID


def merge_update(stored: dict[str, Any], body: dict[str, Any], version: str) -> dict[str, Any]:
    """PUT/PATCH columns (§3.6): stored columns overlaid with the mapped keys the client sent."""
    mapped = map_input(body, version)
    keep = {k for k in PERMITTED if k in body}
    if "uk_degree" in body or "non_uk_degree" in body:
        keep.update(_WIDENED)
    merged = dict(stored)
    for key in keep:
        merged[key] = mapped[key]
    return merged


# --- validation (§3.3) -----------------------------------------------------------------------------


def ruby_to_i(value: Any) -> int:
    """``value.to_i`` for JSON scalars (leading integer of a string, else 0)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        m = _LEADING_INT.match(value)
        return int(m.group(1)) if m else 0
    return 0


def validate(cols: dict[str, Any], version: str, today: date) -> list[str]:
    """Full error messages for degree columns, in the service's declaration order."""
    errors: list[str] = []
    year = cols.get("graduation_year")
    next_year = today.year + (0 if is_active("input-graduation-year-next-refused") else 1)
    if blank(year):
        errors.append(msg.GRADUATION_YEAR_BLANK)
    else:
        value = ruby_to_i(year)
        if value > next_year:
            errors.append(msg.GRADUATION_YEAR_FUTURE)
        if not next_year - 60 <= value <= next_year:
            errors.append(msg.GRADUATION_YEAR_INVALID)
    if blank(cols.get("subject")):
        errors.append(msg.SUBJECT_BLANK)
    uk = cols.get("locale_code") == "uk"
    if not uk and isinstance(cols.get("country"), Invalid):
        errors.append(inclusion("country", "country", cols["country"], version))
    if uk:
        if blank(cols.get("institution")):
            errors.append(msg.INSTITUTION_BLANK)
        if _missing(cols.get("uk_degree")):
            errors.append(msg.UK_DEGREE_BLANK)
        if blank(cols.get("grade")):
            errors.append(msg.GRADE_BLANK)
    else:
        if _missing(cols.get("country")):
            errors.append(msg.COUNTRY_BLANK)
        if _missing(cols.get("non_uk_degree")):
            errors.append(msg.NON_UK_DEGREE_BLANK)
    if uk and isinstance(cols.get("uk_degree"), Invalid):
        errors.append(inclusion("degree_type", "uk_degree", cols["uk_degree"], version))
    if not uk and isinstance(cols.get("non_uk_degree"), Invalid):
        errors.append(inclusion("degree_type", "non_uk_degree", cols["non_uk_degree"], version))
    return errors


def _missing(value: Any) -> bool:
    return not isinstance(value, Invalid) and blank(value)


# --- duplicates (§3.5) -----------------------------------------------------------------------------


def _same(field: str, candidate: Any, existing: Any, version: str) -> bool:
    if field == "graduation_year":
        return ruby_to_i(candidate) == ruby_to_i(existing) if existing is not None else False
    if candidate == existing:
        return True
    if api_version(version) != V2025 and field in ("country", "subject"):
        list_name = "country" if field == "country" else "degree_subject"
        a, b = _entry_for_label(list_name, candidate), _entry_for_label(list_name, existing)
        return a is not None and a is b
    return False


def matches(candidate: dict[str, Any], existing: dict[str, Any], version: str) -> bool:
    """True if ``existing`` columns equal ``candidate`` on every non-blank, valid candidate field."""
    used = [f for f in DUPLICATE_FIELDS if not blank(candidate.get(f)) and not isinstance(candidate.get(f), Invalid)]
    return all(_same(f, candidate[f], existing.get(f), version) for f in used)


def is_duplicate_degree(a: dict[str, Any], b: dict[str, Any], version: str = "v2026.1") -> bool:
    """For ``degrees_attributes contains duplicate degrees``: ``a`` and ``b`` are stored ``data`` dicts."""
    return matches(columns_of(a), columns_of(b), version)


# --- stored shape ----------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    return _ruby_str(value.raw) if isinstance(value, Invalid) else value


def to_data(cols: dict[str, Any]) -> dict[str, Any]:
    """The stored ``data`` dict: public keys (HESA codes, output-ready) plus ``_columns``."""
    year = cols.get("graduation_year")
    public = {
        "uk_degree": _code_of_label("degree_type", cols.get("uk_degree")),
        "non_uk_degree": _code_of_label("degree_type", cols.get("non_uk_degree")),
        "subject": _code_of_label("degree_subject", cols.get("subject")),
        "institution": _code_of_label("institution", cols.get("institution")),
        "graduation_year": None if blank(year) else ruby_to_i(year),
        "grade": _code_of_label("degree_grade", cols.get("grade")),
        "country": _code_of_label("country", cols.get("country")),
        "other_grade": cols.get("other_grade"),
        "institution_uuid": cols.get("institution_uuid"),
        "uk_degree_uuid": cols.get("uk_degree_uuid"),
        "subject_uuid": cols.get("subject_uuid"),
        "grade_uuid": cols.get("grade_uuid"),
    }
    stored = {k: _json_safe(v) for k, v in cols.items()}
    if not blank(year):
        stored["graduation_year"] = ruby_to_i(year)
    return {**public, "_columns": stored}


def columns_of(data: dict[str, Any]) -> dict[str, Any]:
    """The label columns of a stored degree ``data`` dict."""
    return dict(data.get("_columns") or {})


def validate_new_degree(item: dict[str, Any], version: str, today: date) -> tuple[dict[str, Any], list[str]]:
    """Nested ``degrees_attributes`` item on trainee create → (degree ``data`` to store, errors).

    ``item`` is the raw object; unpermitted keys are ignored. Errors are full messages without prefix.
    """
    body = {k: v for k, v in item.items() if k in PERMITTED} if isinstance(item, dict) else {}
    cols = map_input(body, version)
    return to_data(cols), validate(cols, version, today)
