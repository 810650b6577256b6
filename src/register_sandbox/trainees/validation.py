"""Validation and mapping of a trainee create/update (core.md §9.3–§9.6, §16).

``check(inp, ...)`` takes the merged input in internal (v2026.1) names, returns the error strings
(``"<attr> <message>"``, v2025.0 keys where they differ) and the ``data`` dict to store.

Each rule is one function of a :class:`Trainee` being checked, like the real service's validator
classes; ``RULES`` runs them in the service's order (the order of the errors in a 422 body), each
recording errors and the parsed values later rules read. ``to_data`` then maps the parsed values to
the stored columns. A deliberate fault (``defects.py``) lives in the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.defects import is_active
from register_sandbox.timefmt import cycle_start_year, parse_iso_date
from register_sandbox.trainees import funding, nested
from register_sandbox.trainees.fields import DISABILITY_KEY, ERROR_KEYS_2025
from register_sandbox.trainees.rules import (
    EARLY_YEARS_AGE_RANGE,
    EARLY_YEARS_ROUTES,
    EARLY_YEARS_SUBJECT,
    NOT_PROVIDED_ETHNICITY,
    PRIMARY_SUBJECT,
    ROUTES_2025,
    ROUTES_2026,
    UNDERGRAD_ROUTES,
    code_list,
    inclusion,
    valid_email,
)
from register_sandbox.values import blank, text

NOT_APPLICABLE_URNS = frozenset({"900000", "900010", "900020", "900030"})
POSTGRAD_NEEDS_DEGREE = "degrees_attributes must be entered if specifying a postgraduate training_route"


@dataclass
class Outcome:
    """Errors (full strings) and the mapped data to store."""

    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    degrees: list[dict[str, Any]] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class Trainee:
    """One trainee input under validation: the input, the errors so far and the values parsed from it.

    The rules fill the parsed values (codes as ``str``, dates as ``date``, ``None`` when absent or
    invalid) for later rules and for ``to_data``."""

    def __init__(self, inp: dict[str, Any], version: str, today: date, creating: bool,
                 existing_degrees: int) -> None:
        self.inp, self.version, self.today = inp, version, today
        self.creating, self.existing_degrees = creating, existing_degrees
        self.out = Outcome()
        self.dob: date | None = None
        self.itt_start: date | None = None
        self.itt_end: date | None = None
        self.trainee_start: date | None = None
        self.trainee_start_bad = False
        self.sex = self.email = self.nationality = self.ethnicity = None
        self.route = self.study_mode = self.age_range = None
        self.ages: tuple[int, int] | None = None
        self.subjects: list[str | None] = [None, None, None]
        self.itt_aim = self.qualification_aim = self.fund_code = self.funding_method = None
        self.course_year: int | None = None
        self.cycle = 0
        self.initiative: str | None = None
        self.additional_initiative: Any = None
        self.iqts_country: str | None = None
        self.partner: tuple[str, str] | None = None
        self.school_urn: str | None = None
        self.disclosure = "disability_not_provided"
        self.disabilities_raw: dict[str, str] = {}

    @property
    def v2025(self) -> bool:
        return self.version == "v2025.0"

    @property
    def early_years(self) -> bool:
        return self.route in EARLY_YEARS_ROUTES and not self.v2025

    @property
    def primary(self) -> bool:
        return self.ages is not None and self.ages[1] <= 11 and self.age_range != EARLY_YEARS_AGE_RANGE

    # -- how a rule reads and reports ------------------------------------------------------------
    def err(self, attr: str, message: str) -> None:
        key = ERROR_KEYS_2025.get(attr, attr) if self.v2025 else attr
        self.out.errors.append(f"{key} {message}" if key else message)

    def required(self, key: str) -> bool:
        if blank(self.inp.get(key)):
            self.err(key, "can't be blank")
            return False
        return True

    def code(self, key: str, field_name: str, hesa: bool = False) -> str | None:
        """Inclusion check of an optional code field; returns the valid code or None."""
        value = self.inp.get(key)
        if blank(value):
            return None
        if hesa and not isinstance(value, str):
            self.err(key, inclusion(value, code_list(field_name)))
            return None
        code = text(value)
        if code not in code_list(field_name):
            self.err(key, inclusion(value, code_list(field_name)))
            return None
        return code

    def required_code(self, key: str, field_name: str, hesa: bool = False) -> str | None:
        return self.code(key, field_name, hesa) if self.required(key) else None

    def max_len(self, key: str, limit: int) -> None:
        value = self.inp.get(key)
        if value is not None and len(text(value) or "") > limit:
            self.err(key, f"is too long (maximum is {limit} characters)")

    def required_date(self, key: str) -> date | None:
        """A required date (``can't be blank``, then ``is invalid``): the parsed date or None."""
        return self.date_field(key)[0] if self.required(key) else None

    def date_field(self, key: str) -> tuple[date | None, bool]:
        """(parsed date, present-but-invalid)."""
        value = self.inp.get(key)
        if blank(value):
            return None, False
        parsed = parse_iso_date(value if isinstance(value, str) else text(value))
        if parsed is None:
            self.err(key, "is invalid")
            return None, True
        return parsed, False


# ---- the rules, one a function -------------------------------------------------------------------
def names(t: Trainee) -> None:
    """first_names and last_name required; names at most 60 characters, ids within their columns."""
    for key in ("first_names", "last_name"):
        t.required(key)
    if is_active("robust-unicode-500"):  # defect: names go through an ASCII-only column
        for key in ("first_names", "last_name", "middle_names"):
            str(t.inp.get(key) or "").encode("ascii")
    if is_active("robust-long-value-500") and len(str(t.inp.get("provider_trainee_id") or "")) > 50:
        raise OverflowError("provider_trainee_id does not fit its column")
    if is_active("input-provider-id-truncated-on-update") and not t.creating \
            and isinstance(t.inp.get("provider_trainee_id"), str):
        t.inp["provider_trainee_id"] = t.inp["provider_trainee_id"][:50]  # defect: silently cut to the column
    for key in ("first_names", "last_name", "middle_names"):
        if not is_active("valid-length-not-enforced"):
            t.max_len(key, 60)
    t.max_len("provider_trainee_id", 50)
    t.max_len("application_id", 7)


def date_of_birth(t: Trainee) -> None:
    """Required; a date between 100 and 16 years ago."""
    t.dob = t.required_date("date_of_birth")
    if t.dob is None:
        return
    if t.dob < _years_ago(t.today, 100):
        t.err("date_of_birth", "is invalid")
    elif t.dob > t.today:
        t.err("date_of_birth", "must be in the past")
    elif t.dob > _years_ago(t.today, 16) or (is_active("input-dob-16-boundary")
                                             and t.dob == _years_ago(t.today, 16)):
        t.err("date_of_birth", "cannot be less than 16 years ago")


def sex(t: Trainee) -> None:
    """Required code."""
    t.sex = t.required_code("sex", "sex")
    if is_active("valid-code-accepted") and not blank(t.inp.get("sex")):
        t.sex = text(t.inp.get("sex"))  # defect: the inclusion check's error is discarded
        t.out.errors = [e for e in t.out.errors if not e.startswith("sex ")]


def email(t: Trainee) -> None:
    """Required, at most 255 characters, in the service's email format."""
    value = t.inp.get("email")
    t.email = text(value)
    if blank(value):
        t.err("email", "can't be blank")
    if t.email is not None and len(t.email) > 255:
        t.err("email", "is too long (maximum is 255 characters)")
    if blank(value) or not valid_email((t.email or "").strip()):
        t.err("email", "Enter an email address in the correct format, like name@example.com")


def nationality(t: Trainee) -> None:
    t.nationality = t.code("nationality", "nationality")


def ethnicity(t: Trainee) -> None:
    t.ethnicity = t.code("ethnicity", "ethnicity")


def itt_start_date(t: Trainee) -> None:
    """Required date, at most one year ahead."""
    t.itt_start = t.required_date("itt_start_date")
    if t.itt_start is not None and t.itt_start.year > t.today.year + 1:
        t.err("itt_start_date", "must not be more than one year in the future")


def itt_end_date(t: Trainee) -> None:
    """Required date after itt_start_date; in v2026.1 within the next 5 / last 10 years."""
    t.itt_end = t.required_date("itt_end_date")
    if t.itt_end is None:
        return
    if not t.v2025:
        if t.itt_end.year > t.today.year + 5:
            t.err("itt_end_date", "must be within the next 5 years")
        if t.itt_end < _years_ago(t.today, 10):
            t.err("itt_end_date", "must be within the last 10 years")
    if t.itt_start is not None and t.itt_end <= t.itt_start and not is_active("valid-cross-field-skipped"):
        t.err("itt_end_date", "must be after itt_start_date")


def trainee_start_date(t: Trainee) -> None:
    """Optional date: not more than 10 years ago, not future unless equal to itt_start_date; itt_start_date
    when not sent."""
    if not blank(t.inp.get("trainee_start_date")):
        t.trainee_start, t.trainee_start_bad = t.date_field("trainee_start_date")
    if t.trainee_start is None:
        if not t.trainee_start_bad:
            t.trainee_start = t.itt_start
    elif t.trainee_start < _years_ago(t.today, 10):
        t.err("trainee_start_date", "Cannot be more than 10 years in the past")
        t.trainee_start_bad = True
    elif t.trainee_start > t.today and t.trainee_start != t.itt_start:
        t.err("trainee_start_date", "must be in the past")
        t.trainee_start_bad = True


def training_route(t: Trainee) -> None:
    """Required; a route of this version; ``12`` only from the 2022 cycle on (skipped on a bad start)."""
    if not t.required("training_route") or t.trainee_start_bad:
        return
    value = t.inp.get("training_route")
    code = text(value)
    allowed = ROUTES_2025 if t.v2025 else ROUTES_2026
    if code not in allowed:
        shown = ref.route_name(code) if ref.entry("training_route", code) is not None else value
        t.err("training_route", inclusion(shown, allowed))
    elif code == "12" and (start := t.trainee_start or t.itt_start) is not None and cycle_start_year(start) < 2022:
        t.err("training_route", inclusion("provider_led_postgrad", allowed))
    else:
        t.route = code


def study_mode(t: Trainee) -> None:
    """Required (v2026.1: except on routes 16 and 17); a code."""
    if t.v2025 or t.route not in ("16", "17"):
        t.required("study_mode")
    t.study_mode = t.code("study_mode", "study_mode")
    if is_active("input-part-time-study-mode-refused") and t.study_mode in ("31", "64"):
        allowed = tuple(c for c in code_list("study_mode") if c not in ("31", "64"))  # defect: a stale list
        t.err("study_mode", inclusion(t.inp.get("study_mode"), allowed))
        t.study_mode = None


def course_age_range(t: Trainee) -> None:
    """Required HESA code."""
    t.age_range = t.required_code("course_age_range", "course_age_range", hesa=True)
    t.ages = ref.age_range(t.age_range) if t.age_range else None


def course_subjects(t: Trainee) -> None:
    """Codes; the first required (the service checks the second and third first)."""
    t.subjects[1] = t.code("course_subject_2", "course_subject")
    t.subjects[2] = t.code("course_subject_3", "course_subject")
    t.subjects[0] = t.required_code("course_subject_1", "course_subject")


def age_range_for_route(t: Trainee) -> None:
    """v2026.1: the early-years age range on early-years routes and only there."""
    if t.v2025 or not t.age_range:
        return
    if t.early_years and t.age_range != EARLY_YEARS_AGE_RANGE:
        t.err("course_age_range", f"is invalid. It should be `{EARLY_YEARS_AGE_RANGE}` for the "
                                  "training_route provided")
    elif t.route is not None and not t.early_years and t.age_range == EARLY_YEARS_AGE_RANGE:
        t.err("course_age_range", "is invalid. It can only be used for early years training routes")


def subject_for_phase(t: Trainee) -> None:
    """The early-years subject on early-years routes; primary teaching first for a primary age range
    (v2025.0 puts it first, v2026.1 refuses)."""
    first = t.subjects[0]
    if t.early_years:
        if first is not None and first != EARLY_YEARS_SUBJECT:
            t.err("course_subject_1", f"is invalid. It should be `{EARLY_YEARS_SUBJECT}` for the "
                                      "training_route provided")
    elif t.primary and first is not None and first != PRIMARY_SUBJECT:
        if t.v2025:
            t.subjects = [PRIMARY_SUBJECT, first, t.subjects[1]]
        else:
            t.err("course_subject_1", f"is invalid. It should be `{PRIMARY_SUBJECT}` for the "
                                      "course_age_range provided")


def subject_duplicates(t: Trainee) -> None:
    """Outside early years, no subject twice."""
    if t.early_years:
        return
    first, second, third = t.subjects
    if second is not None and second == first:
        t.err("course_subject_2", "might contain duplicate values")
    if third is not None and third in (first, second):
        t.err("course_subject_3", "might contain duplicate values")


def itt_aim(t: Trainee) -> None:
    t.itt_aim = t.required_code("itt_aim", "itt_aim", hesa=True)


def itt_qualification_aim(t: Trainee) -> None:
    """Required when itt_aim is 202 (or blank); a HESA code."""
    aim = t.inp.get("itt_aim")
    if blank(t.inp.get("itt_qualification_aim")) and (blank(aim) or text(aim) == "202"):
        t.err("itt_qualification_aim", "must be entered if 202 selected for itt_aim")
    t.qualification_aim = t.code("itt_qualification_aim", "itt_qualification_aim", hesa=True)


def course_year(t: Trainee) -> None:
    """Required; an integer (v2026.1 refuses anything else, v2025.0 stores nothing)."""
    if not t.required("course_year"):
        return
    value = t.inp.get("course_year")
    if isinstance(value, bool):
        parsed = None
    elif isinstance(value, int):
        parsed = value
    elif isinstance(value, float) and value.is_integer():
        parsed = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        parsed = int(value.strip())
    else:
        parsed = None
    if parsed is None and not t.v2025:
        t.err("course_year", "is not a valid course year")
    t.course_year = parsed


def fund_code(t: Trainee) -> None:
    t.fund_code = t.required_code("fund_code", "fund_code", hesa=True)


def funding_method(t: Trainee) -> None:
    t.funding_method = t.required_code("funding_method", "funding_method", hesa=True)


def hesa_id(t: Trainee) -> None:
    """Required, 13 or 17 characters."""
    if t.required("hesa_id") and len(text(t.inp.get("hesa_id")) or "") not in (13, 17):
        t.err("hesa_id", "must be 13 or 17 characters")


def funding_rules(t: Trainee) -> None:
    """The funding rules of the trainee's cycle (core.md §13.1, §13.2)."""
    t.cycle = funding.rules_cycle(t.trainee_start if not t.trainee_start_bad else None, t.itt_start, t.today)
    for attr, message in funding.funding_errors(t.cycle, t.route, t.subjects[0], t.age_range, t.fund_code,
                                                t.funding_method, t.version):
        t.err(attr, message)


def training_initiative(t: Trainee) -> None:
    """A code available in the trainee's cycle (core.md §13.3)."""
    t.initiative = t.code("training_initiative", "training_initiative")
    if t.initiative is not None:
        message = funding.initiative_error(t.initiative, t.cycle)
        if message:
            t.err("training_initiative", message)


def additional_training_initiative(t: Trainee) -> None:
    """v2026.1: a HESA code available in the cycle; v2025.0 stores it as sent."""
    t.additional_initiative = t.inp.get("additional_training_initiative")
    if t.v2025:
        return
    t.additional_initiative = t.code("additional_training_initiative", "training_initiative", hesa=True)
    if t.additional_initiative is not None:
        message = funding.initiative_error(t.additional_initiative, t.cycle)
        if message:
            t.err("additional_training_initiative", message)


def iqts_country(t: Trainee) -> None:
    """v2026.1: required on route 15 (a country code), blank on the others."""
    if t.v2025:
        return
    if t.route == "15":
        if t.required("iqts_country"):
            t.iqts_country = t.code("iqts_country", "country")
    elif not blank(t.inp.get("iqts_country")) and t.route is not None:
        t.err("iqts_country", "must be blank")


def training_partner(t: Trainee) -> None:
    """A known training (v2025.0: lead) partner by URN, else by UKPRN; the not-applicable URNs mean none."""
    if "training_partner_urn" in t.inp:
        key, value = "training_partner_urn", text(t.inp.get("training_partner_urn"))
        if blank(value) or value in NOT_APPLICABLE_URNS:
            return
        found = ref.training_partner_by_urn(value)
        message_2026 = f"is invalid. The URN '{value}' does not match any known training partners"
    elif "training_partner_ukprn" in t.inp:
        key, value = "training_partner_ukprn", text(t.inp.get("training_partner_ukprn"))
        if blank(value):
            return
        found = ref.training_partner_by_ukprn(value)
        message_2026 = f"is invalid. The UKPRN '{value}' does not match any known training partners"
    else:
        return
    if found is not None:
        t.partner = (found.get("urn"), found.get("ukprn"))
    elif t.v2025:
        t.err("lead_partner_id", f"is invalid. The URN '{value}' does not match any known lead partners")
    else:
        t.err(key, message_2026)


def employing_school(t: Trainee) -> None:
    """A known school URN; the not-applicable URNs mean none."""
    urn = text(t.inp.get("employing_school_urn"))
    if is_active("input-blank-school-urn-stored") and urn is not None and blank(urn):
        t.school_urn = urn  # defect: the blank string is kept
        return
    if blank(urn) or urn in NOT_APPLICABLE_URNS:
        return
    if is_active("input-unknown-school-500"):
        t.school_urn = ref.school(urn)["urn"]  # defect: TypeError when the school is unknown
    if ref.school(urn) is None:
        t.err("employing_school_id", f"is invalid. The URN '{urn}' does not match any known schools")
        return
    t.school_urn = urn


def disabilities(t: Trainee) -> None:
    """``disabilityN`` codes: no duplicates; the disclosure they amount to."""
    raw: dict[str, str] = {}
    for key, value in t.inp.items():
        m = DISABILITY_KEY.match(key)
        if m and not blank(value):
            raw[m.group(1)] = text(value) or ""
    ordered = [raw[k] for k in sorted(raw, key=int)]
    if len(set(ordered)) != len(ordered) and (t.creating or not is_active("input-disability-duplicate-on-update")):
        t.err("disabilities", "contain duplicate values")
    mapped = [raw[k] for k in sorted(raw, key=int) if 1 <= int(k) <= 9 and ref.entry("disability", raw[k])]
    real = [c for c in mapped if c not in ("95", "98", "99")]
    t.disclosure = "disabled" if real else "no_disability" if "95" in mapped else "disability_not_provided"
    t.disabilities_raw = raw


def degrees_attributes(t: Trainee) -> None:
    """A postgraduate route needs a degree (sent on create, stored on update); nested degrees valid and
    not duplicates of each other."""
    if not t.creating:
        if t.route is not None and t.route not in UNDERGRAD_ROUTES and t.existing_degrees == 0:
            t.err("", POSTGRAD_NEEDS_DEGREE)
        return
    items = t.inp.get("degrees_attributes")
    items = items if isinstance(items, list) else []
    if t.route is not None and t.route not in UNDERGRAD_ROUTES and not items:
        t.err("", POSTGRAD_NEEDS_DEGREE)
    data, errors, duplicate = nested.degrees(items, t.version, t.today)
    for message in errors:
        t.err("", message)
    if duplicate:
        t.err("degrees_attributes", "contains duplicate degrees")
    t.out.degrees = data


def placements_attributes(t: Trainee) -> None:
    """On create, nested placements valid (errors prefixed ``placements_attributes``)."""
    if not t.creating:
        return
    items = t.inp.get("placements_attributes")
    data, errors = nested.placements(items if isinstance(items, list) else [], t.version)
    for message in errors:
        t.err("", f"placements_attributes {message}")
    t.out.placements = data


#: The rules in the service's order: the order of the messages in a 422 body.
RULES: tuple[Callable[[Trainee], None], ...] = (
    names, date_of_birth, sex, email, nationality, ethnicity,
    itt_start_date, itt_end_date, trainee_start_date, training_route, study_mode,
    course_age_range, course_subjects, age_range_for_route, subject_for_phase, subject_duplicates,
    itt_aim, itt_qualification_aim, course_year, fund_code, funding_method, hesa_id,
    funding_rules, training_initiative, additional_training_initiative, iqts_country,
    training_partner, employing_school, disabilities, degrees_attributes, placements_attributes,
)


# ---- mapping -------------------------------------------------------------------------------------
def to_data(t: Trainee) -> dict[str, Any]:
    """The columns to store, from the input and the parsed values."""
    inp = t.inp
    eth = ref.entry("ethnicity", t.ethnicity or NOT_PROVIDED_ETHNICITY)
    disclosed_background = t.ethnicity not in (None, "997", "998", "999")
    diversity = ("diversity_disclosed" if disclosed_background or t.disclosure in ("disabled", "no_disability")
                 else "diversity_not_disclosed")
    route, ages, itt_start, funding_method_ = t.route, t.ages, t.itt_start, t.funding_method
    additional = t.additional_initiative
    return {
        "provider_trainee_id": text(inp.get("provider_trainee_id")),
        "application_id": _int_or_none(inp.get("application_id")),
        "first_names": text(inp.get("first_names")),
        "last_name": text(inp.get("last_name")),
        "middle_names": text(inp.get("middle_names")),
        "date_of_birth": t.dob.isoformat() if t.dob else text(inp.get("date_of_birth")),
        "email": t.email,
        "sex": t.sex,
        "nationality": t.nationality,
        "ethnicity": "997" if t.ethnicity in (None, "998", "999") else t.ethnicity,
        "ethnic_group": eth["ethnic_group"] if eth else None,
        "ethnic_background": eth["name"] if eth else None,
        "additional_ethnic_background": None,
        "diversity_disclosure": diversity,
        "disability_disclosure": t.disclosure,
        "_disabilities_raw": t.disabilities_raw,
        "training_route": route,
        "course_subject_1": t.subjects[0],
        "course_subject_2": t.subjects[1],
        "course_subject_3": t.subjects[2],
        "course_age_range": t.age_range,
        "course_min_age": ages[0] if ages else None,
        "course_max_age": ages[1] if ages else None,
        "course_education_phase": ("early_years" if t.early_years else
                                   "primary" if t.primary else "secondary" if ages else None),
        "course_qualification": ("EYTS" if route in EARLY_YEARS_ROUTES else "QTS") if route else None,
        "course_level": ("undergrad" if route in UNDERGRAD_ROUTES else "postgrad") if route else None,
        "course_title": None,
        "course_itt_start_date": itt_start.isoformat() if itt_start else None,
        "study_mode": t.study_mode,
        "itt_start_date": itt_start.isoformat() if itt_start else None,
        "itt_end_date": t.itt_end.isoformat() if t.itt_end else None,
        "trainee_start_date": t.trainee_start.isoformat() if t.trainee_start else None,
        "funding_method": funding_method_,
        "training_initiative": None if funding_method_ == "C" else t.initiative,
        "_initiative_name": ("veterans_teaching_undergraduate_bursary" if funding_method_ == "C"
                             else (ref.entry("training_initiative", t.initiative) or {}).get("name",
                                                                                           "no_initiative")),
        "iqts_country": t.iqts_country,
        "hesa_id": text(inp.get("hesa_id")),
        "record_source": "api",
        "employing_school_urn": t.school_urn,
        "training_partner_urn": t.partner[0] if t.partner else None,
        "training_partner_ukprn": t.partner[1] if t.partner else None,
        "_hesa": True,
        "previous_last_name": text(inp.get("previous_last_name")),
        "itt_aim": t.itt_aim,
        "itt_qualification_aim": t.qualification_aim,
        "course_year": t.course_year,
        "ni_number": text(inp.get("ni_number")),
        "pg_apprenticeship_start_date": _date_or_none(inp.get("pg_apprenticeship_start_date")),
        "additional_training_initiative": text(additional) if not blank(additional) else None,
        "fund_code": t.fund_code,
    }


def _int_or_none(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _date_or_none(value: Any) -> str | None:
    parsed = parse_iso_date(value) if isinstance(value, str) else None
    return parsed.isoformat() if parsed else None


def check(inp: dict[str, Any], version: str, today: date, creating: bool, existing_degrees: int = 0) -> Outcome:
    """Validate and map a merged trainee input (internal names).

    A JSON ``true``/``false`` reaches the rules as the text ``"true"``/``"false"`` (Ruby ``to_s``), so a
    boolean is a present value, never a blank one."""
    scalars = {key: text(value) if isinstance(value, bool) else value for key, value in inp.items()}
    trainee = Trainee(scalars, version, today, creating, existing_degrees)
    for rule in RULES:
        rule(trainee)
    trainee.out.data.update(to_data(trainee))
    return trainee.out
