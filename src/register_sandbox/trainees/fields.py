"""Request field names per version and the permit lists (core.md §9.2, §16)."""

from __future__ import annotations

import re

DISABILITY_KEY = re.compile(r"^disability(\d+)$")

#: Scalar request fields (v2026.1 names). ``disabilityN`` keys are handled separately.
SCALAR_FIELDS_2026: frozenset[str] = frozenset({
    "first_names", "middle_names", "last_name", "previous_last_name", "date_of_birth", "sex", "email",
    "nationality", "ethnicity", "ethnic_group", "ethnic_background", "training_route", "itt_start_date",
    "itt_end_date", "trainee_start_date", "course_subject_1", "course_subject_2", "course_subject_3",
    "course_age_range", "study_mode", "itt_aim", "itt_qualification_aim", "course_year", "fund_code",
    "funding_method", "training_initiative", "additional_training_initiative", "hesa_id",
    "provider_trainee_id", "application_id", "ni_number", "pg_apprenticeship_start_date",
    "training_partner_urn", "training_partner_ukprn", "employing_school_urn", "iqts_country",
})
NESTED_FIELDS: frozenset[str] = frozenset({"degrees_attributes", "placements_attributes"})

#: v2025.0 request name → internal (v2026.1) name.
REQUEST_RENAMES_2025: dict[str, str] = {
    "course_subject_one": "course_subject_1",
    "course_subject_two": "course_subject_2",
    "course_subject_three": "course_subject_3",
    "lead_partner_urn": "training_partner_urn",
    "lead_partner_ukprn": "training_partner_ukprn",
}
#: internal name → v2025.0 error key.
ERROR_KEYS_2025: dict[str, str] = {
    "course_subject_1": "course_subject_one",
    "course_subject_2": "course_subject_two",
    "course_subject_3": "course_subject_three",
}


def scalar_fields(version: str) -> frozenset[str]:
    """Permitted scalar request keys of a version (in that version's names)."""
    if version == "v2025.0":
        base = SCALAR_FIELDS_2026 - {"iqts_country"} - set(REQUEST_RENAMES_2025.values())
        return frozenset(base | set(REQUEST_RENAMES_2025))
    return SCALAR_FIELDS_2026


def normalise_request(data: dict[str, object], version: str) -> dict[str, object]:
    """Filter to permitted keys (scalars stay scalars) and rename v2025.0 keys to internal names."""
    permitted = scalar_fields(version)
    out: dict[str, object] = {}
    for key, value in data.items():
        if key in NESTED_FIELDS:
            if isinstance(value, list):
                out[key] = [v for v in value if isinstance(v, dict)]
            elif isinstance(value, dict) and value and all(str(k).isdigit() for k in value):
                out[key] = [v for _, v in sorted(value.items(), key=lambda kv: int(kv[0])) if isinstance(v, dict)]
            continue
        if isinstance(value, (dict, list)):
            continue
        if key in permitted or DISABILITY_KEY.match(key):
            out[REQUEST_RENAMES_2025.get(key, key) if version == "v2025.0" else key] = value
    return out
