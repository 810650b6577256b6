"""Reference data (code lists) of the sandbox, loaded once from ``data/reference/*.json``.

Each list file holds ``{"metadata": {...}, "entries": [{"code": ..., "display_name": ..., ...}]}``.
Entries with ``"code": null`` are values without a HESA code (kept for name lookups only; they are
never part of ``codes()`` or the ``/reference-data`` payload). A code may appear on several entries
(nationality ``GB``, ``SH``) and nationality "Stateless" has the blank code ``""``: the payload keeps
one entry per (value, code) like the real service, while ``codes()``/``entry()`` use the distinct
non-blank codes (first entry wins). See ``data/reference/README.md``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data" / "reference"

#: The 19 valid ``field`` values of ``GET /reference-data`` (core.md §15), in documented order.
REFERENCE_DATA_FIELDS: tuple[str, ...] = (
    "country",
    "course_age_range",
    "course_subject",
    "degree_subject",
    "degree_grade",
    "degree_type",
    "disability",
    "ethnicity",
    "fund_code",
    "funding_method",
    "institution",
    "itt_aim",
    "nationality",
    "itt_qualification_aim",
    "sex",
    "study_mode",
    "training_route",
    "training_initiative",
    "withdrawal_reasons",
)

#: The HESA code-list fields (everything except ``withdrawal_reasons``).
CODE_LIST_FIELDS: tuple[str, ...] = REFERENCE_DATA_FIELDS[:-1]

#: Employing-school URNs meaning "not applicable" (no school record needed).
NOT_APPLICABLE_URNS: frozenset[str] = frozenset({"900000", "900010", "900020", "900030"})

_METADATA_HIDDEN = ("source", "change_log")


def _read(name: str) -> Any:
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _list(field: str) -> dict[str, Any]:
    """The raw JSON document of one code list (``KeyError`` for an unknown field)."""
    if field not in CODE_LIST_FIELDS:
        raise KeyError(field)
    return _read(field)


@cache
def _by_code(field: str) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for e in _list(field)["entries"]:
        if e.get("code"):
            index.setdefault(e["code"], e)
    return index


@cache
def _by_label(field: str) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for e in _list(field)["entries"]:
        labels = [e.get("name"), e.get("label"), e.get("display_name"), *e.get("aliases", [])]
        for label in labels:
            if isinstance(label, str) and label:
                index.setdefault(label.casefold(), e)
    return index


def codes(field: str) -> list[str]:
    """All codes of a code-list field, sorted as strings."""
    return sorted(_by_code(field))


def entry(field: str, code: str | None) -> dict[str, Any] | None:
    """The entry for ``code`` (exact string match), or ``None``."""
    if code is None:
        return None
    return _by_code(field).get(str(code))


def entries(field: str) -> list[dict[str, Any]]:
    """All entries of a field (including code-less ones) in file order."""
    return list(_list(field)["entries"])


def lookup_by_label(field: str, label: str | None) -> dict[str, Any] | None:
    """Find an entry by ``name``, ``label``, ``display_name`` or an alias, case-insensitively."""
    if not label:
        return None
    return _by_label(field).get(label.strip().casefold())


def metadata(field: str) -> dict[str, Any]:
    """The list metadata without ``source``/``change_log``."""
    return {k: v for k, v in _list(field)["metadata"].items() if k not in _METADATA_HIDDEN}


@cache
def _payload(field: str) -> str:
    if field == "withdrawal_reasons":
        return json.dumps(_withdrawal_payload())
    items = [
        {
            "code": e["code"],
            "display_name": e["display_name"],
            "start_year": e.get("start_year"),
            "end_year": e.get("end_year"),
        }
        for e in sorted((e for e in _list(field)["entries"] if e.get("code") is not None), key=lambda e: e["code"])
    ]
    return json.dumps({"metadata": metadata(field), "entries": items})


def payload(field: str) -> dict[str, Any]:
    """The ``GET /reference-data?field=<field>`` payload (fresh copy). ``KeyError`` if unknown."""
    if field not in REFERENCE_DATA_FIELDS:
        raise KeyError(field)
    return json.loads(_payload(field))


def all_payloads() -> dict[str, Any]:
    """The ``GET /reference-data`` payload without ``field``: all 19 fields keyed by name."""
    return {field: payload(field) for field in REFERENCE_DATA_FIELDS}


# --- withdrawal reasons ---------------------------------------------------------------------------


@cache
def _withdrawal() -> dict[str, Any]:
    return _read("withdrawal_reasons")


def _withdrawal_payload() -> dict[str, Any]:
    doc = _withdrawal()
    items = []
    for trigger in doc["triggers"]:
        for code in doc["reasons"][trigger]:
            items.append(
                {
                    "code": code,
                    "display_name": doc["display_names"][code],
                    "trigger": trigger,
                    "requires_another_reason": "another_reason" in code,
                    "requires_safeguarding_concern_reasons": code == "safeguarding_concerns",
                }
            )
    return {
        "metadata": doc["metadata"],
        "triggers": list(doc["triggers"]),
        "future_interest": list(doc["future_interest"]),
        "entries": items,
    }


def withdrawal_reasons_payload() -> dict[str, Any]:
    """The ``withdrawal_reasons`` payload of ``/reference-data`` (core.md §15)."""
    return payload("withdrawal_reasons")


def withdrawal_reason_codes(trigger: str | None) -> list[str]:
    """Valid reason codes for a trigger; anything but ``provider`` uses the trainee list."""
    reasons = _withdrawal()["reasons"]
    return list(reasons["provider" if trigger == "provider" else "trainee"])


# --- error message --------------------------------------------------------------------------------


def inclusion_message(value: Any, valid_codes: list[str] | tuple[str, ...]) -> str:
    """The reference-data inclusion message of core.md §5.4 (codes are sorted as strings)."""
    ordered = sorted(str(c) for c in valid_codes)
    head = f"has invalid reference data value of '{value}'."
    if len(ordered) < 10:
        return f"{head} Valid values are {', '.join(repr_code(c) for c in ordered)}."
    return f"{head} Example values include {', '.join(repr_code(c) for c in ordered[:10])}..."


def repr_code(code: str) -> str:
    """A code wrapped in single quotes, as the service prints it."""
    return f"'{code}'"


# --- helpers for validators -----------------------------------------------------------------------


def route_name(code: str | None) -> str | None:
    """Internal route name of a training-route code (``'12'`` → ``'provider_led_postgrad'``)."""
    e = entry("training_route", code)
    return e["name"] if e else None


def route_code(name: str | None) -> str | None:
    """Training-route code of an internal route name."""
    for e in _list("training_route")["entries"]:
        if e.get("name") == name and e.get("code") is not None:
            return e["code"]
    return None


def course_subject_name(code: str | None) -> str | None:
    """Internal (stored) subject name of a course-subject code (``'100346'`` → ``'biology'``)."""
    e = entry("course_subject", code)
    return e["name"] if e else None


def course_subject_allocation(code: str | None) -> str | None:
    """Allocation (funding) subject of a course-subject code (``'100346'`` → ``'Biology'``)."""
    e = entry("course_subject", code)
    return e.get("allocation_subject") if e else None


def age_range(code: str | None) -> tuple[int, int] | None:
    """``(min_age, max_age)`` of a course-age-range code."""
    e = entry("course_age_range", code)
    return (e["min_age"], e["max_age"]) if e else None


@cache
def _funding() -> dict[str, Any]:
    return _read("funding_rules")


def funding_rules(cycle_start_year: int) -> list[dict[str, Any]]:
    """Funding rules of a cycle: ``[{"funding_type", "route", "allocation_subjects"}]`` (empty if none)."""
    cycle = _funding()["cycles"].get(str(cycle_start_year), {})
    return [dict(rule) for rule in cycle.get("rules", [])]


def fund_code_exception_subjects(cycle_start_year: int) -> list[str]:
    """Allocation subjects exempt from the fund-code check in that cycle (core.md §13.2 rule 3)."""
    cycle = _funding()["cycles"].get(str(cycle_start_year), {})
    return list(cycle.get("fund_code_exception_subjects", []))


def initiatives_available(cycle_start_year: int) -> list[str]:
    """Internal names of the training initiatives available in a cycle (empty if none)."""
    cycle = _funding()["cycles"].get(str(cycle_start_year), {})
    return list(cycle.get("training_initiatives", []))


def funding_type(funding_method_code: str | None) -> str | None:
    """``bursary``/``scholarship``/``grant``/``none`` for a funding-method code, else ``None``."""
    e = entry("funding_method", funding_method_code)
    return e.get("funding_type") if e else None


@cache
def _schools() -> dict[str, Any]:
    return _read("schools")


def school(urn: str | None) -> dict[str, Any] | None:
    """A known fixture school by URN (not-applicable URNs are not schools)."""
    if urn is None:
        return None
    return next((s for s in _schools()["schools"] if s["urn"] == str(urn)), None)


def schools() -> list[dict[str, Any]]:
    """All fixture schools."""
    return list(_schools()["schools"])


@cache
def _partners() -> list[dict[str, Any]]:
    return list(_read("training_partners")["training_partners"])


def training_partner_by_urn(urn: str | None) -> dict[str, Any] | None:
    """A known fixture training partner by URN."""
    if urn is None:
        return None
    return next((p for p in _partners() if p.get("urn") == str(urn)), None)


def training_partner_by_ukprn(ukprn: str | None) -> dict[str, Any] | None:
    """A known fixture training partner by UKPRN."""
    if ukprn is None:
        return None
    return next((p for p in _partners() if p.get("ukprn") == str(ukprn)), None)


def training_partners() -> list[dict[str, Any]]:
    """All fixture training partners."""
    return list(_partners())


# --- version-specific example codes -----------------------------------------------------------------


def example_codes(field: str, version: str = "v2026.1") -> list[str]:
    """The ten codes an inclusion message lists for ``field`` (``version`` ``v2025.0`` or ``v2026.1``).

    v2026.1 sorts codes as strings; v2025.0 used the source order of its code sets, which the data files
    record (``v2025_0_example_codes``) for the lists where it differs (country, degree_type).
    """
    if version == "v2025.0":
        legacy = _list(field).get("v2025_0_example_codes")
        if legacy:
            return list(legacy)
    return codes(field)[:10]


def inclusion_message_for(field: str, value: Any, version: str = "v2026.1") -> str:
    """``inclusion_message`` for a code-list field, honouring the v2025.0 example order."""
    valid = codes(field)
    if len(valid) < 10:
        return inclusion_message(value, valid)
    return (
        f"has invalid reference data value of '{value}'. Example values include "
        + ", ".join(repr_code(c) for c in example_codes(field, version))
        + "..."
    )
