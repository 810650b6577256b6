"""Exact response texts of the lifecycle endpoints (lifecycle.md §0.1, §3.3, §4.2, §5.4, §6.2, §7.3)."""

from __future__ import annotations

from register_sandbox.lifecycle.state_machine import EVENTS

PARAM_MISSING = "Param is missing or the value is empty or invalid: data"
TRAINEE_NOT_FOUND = "Trainee(s) not found"
DEGREE_NOT_FOUND = "Degree(s) not found"
PLACEMENT_NOT_FOUND = "Placement(s) not found"
DUPLICATE_DEGREE = "This is a duplicate degree"

# degrees
GRADUATION_YEAR_BLANK = "graduation_year must be entered if specifying a previous UK degree or non-UK degree"
GRADUATION_YEAR_FUTURE = "graduation_year must be in the past, for example 2014"
GRADUATION_YEAR_INVALID = "graduation_year is invalid"
SUBJECT_BLANK = "subject must be entered if specifying a previous UK degree or non-UK degree"
UK_DEGREE_BLANK = "uk_degree must be entered if specifying a previous UK degree"
GRADE_BLANK = "grade must be entered if specifying a previous UK degree or non-UK degree"
INSTITUTION_BLANK = "institution can't be blank"
NON_UK_DEGREE_BLANK = "non_uk_degree must be entered if specifying a previous non-UK degree"
COUNTRY_BLANK = "country can't be blank"

# placements
URN_INVALID = "urn is invalid"
NAME_BLANK = "name can't be blank"
POSTCODE_INVALID = "postcode Enter a valid postcode (for example, BN1 1AA)"

# withdraw (the date attribute name depends on the version)
WITHDRAW_DATE_BLANK = "{key} Choose a withdrawal date"
WITHDRAW_DATE_INVALID = "{key} Choose a valid withdrawal date"
WITHDRAW_DATE_BEFORE_START = "{key} must be after itt_start_date"
REASONS_INVALID = (
    "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger"
)
REASONS_BLANK = "reasons Choose one or more reasons why the trainee withdrew from the course"
TRIGGER_INVALID = "trigger is not included in the list"
FUTURE_INTEREST_INVALID = "future_interest is not included in the list"
ANOTHER_REASON_BLANK = "another_reason Enter another reason"
SAFEGUARDING_BLANK = "safeguarding_concern_reasons Enter the concerns"

# defer
DEFER_DATE_BLANK = "defer_date can't be blank"
DEFER_DATE_INVALID = "defer_date is invalid"
DEFER_REASON_TOO_LONG = "defer_reason is too long (maximum is 500 characters)"
DEFER_STATE = f"state is invalid must be one of [{', '.join(EVENTS['defer'].sources)}]"

# recommend
QTS_DATE_BLANK = (
    "qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS requirements."
)
QTS_DATE_INVALID = "qts_standards_met_date is invalid"
QTS_DATE_FUTURE = "qts_standards_met_date must not be in the future"
QTS_DATE_BEFORE_START = "qts_standards_met_date must be after itt_start_date"
DEGREE_REQUIRED = "degree_id must be completed before qts_standards_met_date"
PLACEMENTS_MINIMUM = "placements must be at least {minimum} for the {route} training route"
RECOMMEND_STATE = f"state must be selected as {' or '.join(EVENTS['recommend_for_award'].sources)}"
