"""What the facts pin about the trainee lifecycle (lifecycle.md §0.1, §1, §2, §3–§7; core.md §7, §16).

Exact wire texts are kept byte for byte (note the U+2019 apostrophe in the state-transition message).
Step titles abbreviate the three state refusals as STE, S-D and S-R: ``ABBREVIATIONS`` says what each is.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- states (lifecycle.md §1.1) ------------------------------------------------------------------
SUBMITTED = "submitted_for_trn"
TRN_RECEIVED = "trn_received"
RECOMMENDED = "recommended_for_award"
WITHDRAWN = "withdrawn"
DEFERRED = "deferred"
AWARDED = "awarded"

#: v2026.1 refuses trainee/degree/placement writes in these states (lifecycle.md §2.1).
LOCKED_STATES = frozenset({RECOMMENDED, WITHDRAWN, AWARDED})
#: Withdraw is allowed from these states when the course has started (lifecycle.md §5.2).
WITHDRAWABLE_STATES = frozenset({SUBMITTED, TRN_RECEIVED, DEFERRED})
#: Defer is allowed from these states (lifecycle.md §6.2).
DEFERRABLE_STATES = frozenset({SUBMITTED, TRN_RECEIVED})

# -- error bodies (lifecycle.md §0.1, core.md §5.1) -------------------------------------------------
STATE_TRANSITION_MESSAGE = "It\u2019s not possible to perform this action while the trainee is in its current state"
STATE_TRANSITION_BODY = {"errors": [{"error": "StateTransitionError", "message": STATE_TRANSITION_MESSAGE}]}
PARAM_MISSING_BODY = {"errors": ["Param is missing or the value is empty or invalid: data"]}
UNAUTHORIZED_BODY = {"error": "Unauthorized"}
TRAINEE_NOT_FOUND = "Trainee(s) not found"
DEGREE_NOT_FOUND = "Degree(s) not found"
PLACEMENT_NOT_FOUND = "Placement(s) not found"
NO_TRAINEES_FOUND = "No trainees found"
DUPLICATE_DEGREE = "This is a duplicate degree"


def not_found_body(message: str) -> dict:
    """The 404 body for a record that is not found (or belongs to someone else)."""
    return {"errors": [{"error": "NotFound", "message": message}]}


# -- defer (lifecycle.md §6.2) ---------------------------------------------------------------------
DEFER_DATE_BLANK = "defer_date can't be blank"
DEFER_DATE_INVALID = "defer_date is invalid"
DEFER_REASON_TOO_LONG = "defer_reason is too long (maximum is 500 characters)"
DEFER_STATE = "state is invalid must be one of [submitted_for_trn, trn_received]"

# -- recommend (lifecycle.md §7.3) -----------------------------------------------------------------
QTS_DATE_BLANK = "qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS requirements."
QTS_DATE_INVALID = "qts_standards_met_date is invalid"
QTS_DATE_FUTURE = "qts_standards_met_date must not be in the future"
QTS_DATE_BEFORE_START = "qts_standards_met_date must be after itt_start_date"
DEGREE_REQUIRED = "degree_id must be completed before qts_standards_met_date"
RECOMMEND_STATE = "state must be selected as trn_received"
RECOMMEND_PATHS = ("recommend-for-qts", "update-qts-or-eyts-status")

#: The abbreviations of lifecycle.md §2.2 that step titles and test docstrings use for the three refusals.
ABBREVIATIONS: dict[str, str] = {
    "STE": f"422 StateTransitionError: {STATE_TRANSITION_MESSAGE} (the only error; nothing changes)",
    "S-D": f"422 UnprocessableEntity `{DEFER_STATE}` (defer refused by state, only once the defer fields are valid)",
    "S-R": f"422 UnprocessableEntity `{RECOMMEND_STATE}` (recommend refused by state, accumulated with the "
           "date, degree and placement errors)",
}


def placements_minimum(minimum: int, route_name: str) -> str:
    return f"placements must be at least {minimum} for the {route_name} training route"


# -- withdraw (lifecycle.md §5) --------------------------------------------------------------------
REASONS_INVALID = "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger"
REASONS_BLANK = "reasons Choose one or more reasons why the trainee withdrew from the course"
TRIGGER_INVALID = "trigger is not included in the list"
FUTURE_INTEREST_INVALID = "future_interest is not included in the list"
ANOTHER_REASON_BLANK = "another_reason Enter another reason"
SAFEGUARDING_BLANK = "safeguarding_concern_reasons Enter the concerns"


def withdraw_date_key(version: str) -> str:
    """Request key and error attribute of the withdrawal date (lifecycle.md §8.1)."""
    return "withdraw_date" if version == "v2025.0" else "withdrawal_date"


def withdraw_reasons_key(version: str) -> str:
    """Trainee response key holding the withdrawal reason codes (lifecycle.md §5.5)."""
    return "withdraw_reasons" if version == "v2025.0" else "withdrawal_reasons"


def withdrawal_keys(version: str) -> tuple[str, ...]:
    """The seven withdrawal keys of every trainee payload (lifecycle.md §5.5, §9.2)."""
    return (withdraw_date_key(version), withdraw_reasons_key(version), "withdrawal_trigger",
            "withdrawal_future_interest", "withdrawal_another_reason", "withdrawal_safeguarding_concern_reasons")


def withdraw_date_blank(version: str) -> str:
    return f"{withdraw_date_key(version)} Choose a withdrawal date"


def withdraw_date_before_start(version: str) -> str:
    return f"{withdraw_date_key(version)} must be after itt_start_date"


# -- degrees and placements (lifecycle.md §3.3, §3.4, §4.2, §4.3) -----------------------------------
DEGREE_KEYS = frozenset({
    "degree_id", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year", "grade", "country",
    "other_grade", "institution_uuid", "uk_degree_uuid", "subject_uuid", "grade_uuid", "created_at", "updated_at",
})
PLACEMENT_KEYS = frozenset({"placement_id", "urn", "name", "postcode", "address", "created_at", "updated_at"})
GRADUATION_YEAR_FUTURE = "graduation_year must be in the past, for example 2014"
GRADUATION_YEAR_INVALID = "graduation_year is invalid"
SUBJECT_BLANK = "subject must be entered if specifying a previous UK degree or non-UK degree"
GRADE_BLANK = "grade must be entered if specifying a previous UK degree or non-UK degree"
URN_INVALID = "urn is invalid"
NAME_BLANK = "name can't be blank"
POSTCODE_INVALID = "postcode Enter a valid postcode (for example, BN1 1AA)"

#: The first ten country codes quoted by the inclusion message (lifecycle.md §3.3).
COUNTRY_EXAMPLES = {
    "v2025.0": ("AF", "XQ", "AX", "AL", "DZ", "AS", "AD", "AO", "AI", "XX"),
    "v2026.1": ("AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AS"),
}
#: The first ten degree-type codes quoted by the inclusion message (lifecycle.md §3.3).
DEGREE_TYPE_EXAMPLES = {
    "v2025.0": ("002", "010", "013", "014", "051", "052", "053", "054", "055", "056"),
    "v2026.1": ("001", "002", "003", "005", "007", "009", "010", "012", "013", "014"),
}


def inclusion_message(attribute: str, value: str, examples: tuple[str, ...]) -> str:
    """The reference-data inclusion message for a list of ten or more codes (lifecycle.md §3.3)."""
    quoted = ", ".join(f"'{c}'" for c in examples)
    return f"{attribute} has invalid reference data value of '{value}'. Example values include {quoted}..."


# -- timestamps (lifecycle.md §0.1) -----------------------------------------------------------------
TIMESTAMP_MS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
TIMESTAMP_S = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


# -- index (core.md §7) -----------------------------------------------------------------------------
INDEX_STATUSES = ("course_not_yet_started", "in_training", "deferred", "awarded", "withdrawn")


# -- routes (lifecycle.md §7.3, Appendix D; core.md §9.2, §16) --------------------------------------
@dataclass(frozen=True)
class Route:
    """A training route and what recommendation needs from it."""

    code: str
    name: str
    degree_required: bool
    min_placements: int
    early_years: bool = False
    versions: tuple[str, ...] = ("v2025.0", "v2026.1")


ROUTES: dict[str, Route] = {r.code: r for r in (
    Route("03", "school_direct_salaried", True, 2),
    Route("09", "opt_in_undergrad", False, 2),
    Route("10", "pg_teaching_apprenticeship", True, 2),
    Route("11", "provider_led_undergrad", False, 2),
    Route("12", "provider_led_postgrad", True, 2),
    Route("14", "teacher_degree_apprenticeship", False, 2),
    Route("15", "iqts", True, 1, versions=("v2026.1",)),
    Route("16", "assessment_only", True, 0, versions=("v2026.1",)),
    Route("17", "early_years_assessment_only", True, 0, early_years=True, versions=("v2026.1",)),
    Route("19", "early_years_postgrad", True, 0, early_years=True, versions=("v2026.1",)),
    Route("20", "early_years_salaried", True, 0, early_years=True, versions=("v2026.1",)),
    Route("21", "hpitt_postgrad", True, 2, versions=("v2026.1",)),
)}
