"""Validation and mapping of a trainee create/update (core.md §9.3–§9.6, §16).

``check(inp, ...)`` takes the merged input in internal (v2026.1) names, returns the error strings
(``"<attr> <message>"``, v2025.0 keys where they differ) and the ``data`` dict to store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.defects import is_active
from register_sandbox.timefmt import cycle_start_year, parse_iso_date
from register_sandbox.trainees import funding
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
    blank,
    code_list,
    inclusion,
    text,
    valid_email,
)

NOT_APPLICABLE_URNS = frozenset({"900000", "900010", "900020", "900030"})


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


class _Checker:
    def __init__(self, inp: dict[str, Any], version: str, today: date, creating: bool,
                 existing_degrees: int) -> None:
        self.inp = inp
        self.version = version
        self.v2025 = version == "v2025.0"
        self.today = today
        self.creating = creating
        self.existing_degrees = existing_degrees
        self.out = Outcome()

    # ---- helpers -------------------------------------------------------------------------------

    def err(self, attr: str, message: str) -> None:
        key = ERROR_KEYS_2025.get(attr, attr) if self.v2025 else attr
        self.out.errors.append(f"{key} {message}" if key else message)

    def raw(self, key: str) -> Any:
        return self.inp.get(key)

    def txt(self, key: str) -> str | None:
        value = text(self.inp.get(key))
        return value

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

    def max_len(self, key: str, limit: int) -> None:
        value = self.inp.get(key)
        if value is not None and len(text(value) or "") > limit:
            self.err(key, f"is too long (maximum is {limit} characters)")

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

    # ---- the rules -----------------------------------------------------------------------------

    def run(self) -> Outcome:
        d = self.out.data
        inp = self.inp
        today = self.today
        for key in ("first_names", "last_name"):
            self.required(key)
        if is_active("robust-unicode-500"):  # defect: names go through an ASCII-only column
            for key in ("first_names", "last_name", "middle_names"):
                str(inp.get(key) or "").encode("ascii")
        if is_active("robust-long-value-500") and len(str(inp.get("provider_trainee_id") or "")) > 50:
            raise OverflowError("provider_trainee_id does not fit its column")
        for key in ("first_names", "last_name", "middle_names"):
            if not is_active("valid-length-not-enforced"):
                self.max_len(key, 60)
        self.max_len("provider_trainee_id", 50)
        self.max_len("application_id", 7)

        # date of birth
        dob = None
        if self.required("date_of_birth"):
            dob, _bad = self.date_field("date_of_birth")
            if dob is not None:
                if dob < _years_ago(today, 100):
                    self.err("date_of_birth", "is invalid")
                elif dob > today:
                    self.err("date_of_birth", "must be in the past")
                elif dob > _years_ago(today, 16):
                    self.err("date_of_birth", "cannot be less than 16 years ago")

        # sex, email
        sex = self.code("sex", "sex") if self.required("sex") else None
        if is_active("valid-code-accepted") and not blank(inp.get("sex")):
            sex = text(inp.get("sex"))  # defect: the inclusion check's error is discarded
            self.out.errors = [e for e in self.out.errors if not e.startswith("sex ")]
        email = inp.get("email")
        email_text = text(email)
        if blank(email):
            self.err("email", "can't be blank")
        if email_text is not None and len(email_text) > 255:
            self.err("email", "is too long (maximum is 255 characters)")
        if blank(email) or not valid_email((email_text or "").strip()):
            self.err("email", "Enter an email address in the correct format, like name@example.com")

        nationality = self.code("nationality", "nationality")
        ethnicity = self.code("ethnicity", "ethnicity")

        # dates of the course
        itt_start = itt_end = trainee_start = None
        if self.required("itt_start_date"):
            itt_start, _ = self.date_field("itt_start_date")
            if itt_start is not None and itt_start.year > today.year + 1:
                self.err("itt_start_date", "must not be more than one year in the future")
        if self.required("itt_end_date"):
            itt_end, _ = self.date_field("itt_end_date")
            if itt_end is not None:
                if not self.v2025:
                    if itt_end.year > today.year + 5:
                        self.err("itt_end_date", "must be within the next 5 years")
                    if itt_end < _years_ago(today, 10):
                        self.err("itt_end_date", "must be within the last 10 years")
                if itt_start is not None and itt_end <= itt_start and not is_active("valid-cross-field-skipped"):
                    self.err("itt_end_date", "must be after itt_start_date")
        trainee_start_bad = False
        if not blank(inp.get("trainee_start_date")):
            trainee_start, trainee_start_bad = self.date_field("trainee_start_date")
            if trainee_start is not None:
                if trainee_start < _years_ago(today, 10):
                    self.err("trainee_start_date", "Cannot be more than 10 years in the past")
                    trainee_start_bad = True
                elif trainee_start > today and trainee_start != itt_start:
                    self.err("trainee_start_date", "must be in the past")
                    trainee_start_bad = True
        start_for_cycle = trainee_start or itt_start
        if trainee_start is None and itt_start is not None and not trainee_start_bad:
            trainee_start = itt_start

        # training route
        route = None
        if self.required("training_route") and not trainee_start_bad:
            route = self._route(start_for_cycle)
        early_years = route in EARLY_YEARS_ROUTES and not self.v2025

        # study mode
        if self.v2025 or route not in ("16", "17"):
            self.required("study_mode")
        study_mode = self.code("study_mode", "study_mode")

        # age range and subjects
        age_range = None
        if self.required("course_age_range"):
            age_range = self.code("course_age_range", "course_age_range", hesa=True)
        subjects = [self.code(f"course_subject_{i}", "course_subject") if i > 1 else None for i in (1, 2, 3)]
        if self.required("course_subject_1"):
            subjects[0] = self.code("course_subject_1", "course_subject")
        ages = ref.age_range(age_range) if age_range else None
        primary = ages is not None and ages[1] <= 11 and age_range != EARLY_YEARS_AGE_RANGE
        if not self.v2025 and age_range:
            if early_years and age_range != EARLY_YEARS_AGE_RANGE:
                self.err("course_age_range", f"is invalid. It should be `{EARLY_YEARS_AGE_RANGE}` for the "
                                             "training_route provided")
            elif route is not None and not early_years and age_range == EARLY_YEARS_AGE_RANGE:
                self.err("course_age_range", "is invalid. It can only be used for early years training routes")
        if early_years:
            if subjects[0] is not None and subjects[0] != EARLY_YEARS_SUBJECT:
                self.err("course_subject_1", f"is invalid. It should be `{EARLY_YEARS_SUBJECT}` for the "
                                             "training_route provided")
        elif primary and subjects[0] is not None and subjects[0] != PRIMARY_SUBJECT:
            if self.v2025:
                subjects = [PRIMARY_SUBJECT, subjects[0], subjects[1]]
            else:
                self.err("course_subject_1", f"is invalid. It should be `{PRIMARY_SUBJECT}` for the "
                                             "course_age_range provided")
        if not early_years:
            if subjects[1] is not None and subjects[1] == subjects[0]:
                self.err("course_subject_2", "might contain duplicate values")
            if subjects[2] is not None and subjects[2] in (subjects[0], subjects[1]):
                self.err("course_subject_3", "might contain duplicate values")

        # HESA detail
        itt_aim = self.code("itt_aim", "itt_aim", hesa=True) if self.required("itt_aim") else None
        qual_aim_value = inp.get("itt_qualification_aim")
        if blank(qual_aim_value) and (blank(inp.get("itt_aim")) or text(inp.get("itt_aim")) == "202"):
            self.err("itt_qualification_aim", "must be entered if 202 selected for itt_aim")
        qual_aim = self.code("itt_qualification_aim", "itt_qualification_aim", hesa=True)
        course_year = None
        if self.required("course_year"):
            course_year = self._course_year()
        fund_code = self.code("fund_code", "fund_code", hesa=True) if self.required("fund_code") else None
        funding_method = None
        if self.required("funding_method"):
            funding_method = self.code("funding_method", "funding_method", hesa=True)
        hesa_id = inp.get("hesa_id")
        if self.required("hesa_id") and len(text(hesa_id) or "") not in (13, 17):
            self.err("hesa_id", "must be 13 or 17 characters")

        # funding and initiatives
        cycle = funding.rules_cycle(trainee_start if not trainee_start_bad else None, itt_start, today)
        for attr, message in funding.funding_errors(cycle, route, subjects[0], age_range, fund_code,
                                                    funding_method, self.version):
            self.err(attr, message)
        initiative = self.code("training_initiative", "training_initiative")
        if initiative is not None:
            message = funding.initiative_error(initiative, cycle)
            if message:
                self.err("training_initiative", message)
        additional = inp.get("additional_training_initiative")
        if not self.v2025:
            additional = self.code("additional_training_initiative", "training_initiative", hesa=True)
            if additional is not None:
                message = funding.initiative_error(additional, cycle)
                if message:
                    self.err("additional_training_initiative", message)

        # iQTS country
        iqts_country = None
        if not self.v2025:
            if route == "15":
                if self.required("iqts_country"):
                    iqts_country = self.code("iqts_country", "country")
            elif not blank(inp.get("iqts_country")) and route is not None:
                self.err("iqts_country", "must be blank")

        partner = self._training_partner()
        school_urn = self._employing_school()
        disabilities = self._disabilities()
        self._nested(route)

        # ---- mapping -------------------------------------------------------------------------
        eth = ref.entry("ethnicity", ethnicity or NOT_PROVIDED_ETHNICITY)
        disclosure, raw_codes = disabilities
        disclosed_background = ethnicity not in (None, "997", "998", "999")
        diversity = ("diversity_disclosed" if disclosed_background or disclosure in ("disabled", "no_disability")
                     else "diversity_not_disclosed")
        d.update({
            "provider_trainee_id": text(inp.get("provider_trainee_id")),
            "application_id": _int_or_none(inp.get("application_id")),
            "first_names": text(inp.get("first_names")),
            "last_name": text(inp.get("last_name")),
            "middle_names": text(inp.get("middle_names")),
            "date_of_birth": dob.isoformat() if dob else text(inp.get("date_of_birth")),
            "email": email_text,
            "sex": sex,
            "nationality": nationality,
            "ethnicity": "997" if ethnicity in (None, "998", "999") else ethnicity,
            "ethnic_group": eth["ethnic_group"] if eth else None,
            "ethnic_background": eth["name"] if eth else None,
            "additional_ethnic_background": None,
            "diversity_disclosure": diversity,
            "disability_disclosure": disclosure,
            "_disabilities_raw": raw_codes,
            "training_route": route,
            "course_subject_1": subjects[0],
            "course_subject_2": subjects[1],
            "course_subject_3": subjects[2],
            "course_age_range": age_range,
            "course_min_age": ages[0] if ages else None,
            "course_max_age": ages[1] if ages else None,
            "course_education_phase": ("early_years" if early_years else
                                       "primary" if primary else "secondary" if ages else None),
            "course_qualification": ("EYTS" if route in EARLY_YEARS_ROUTES else "QTS") if route else None,
            "course_level": ("undergrad" if route in UNDERGRAD_ROUTES else "postgrad") if route else None,
            "course_title": None,
            "course_itt_start_date": itt_start.isoformat() if itt_start else None,
            "study_mode": study_mode,
            "itt_start_date": itt_start.isoformat() if itt_start else None,
            "itt_end_date": itt_end.isoformat() if itt_end else None,
            "trainee_start_date": trainee_start.isoformat() if trainee_start else None,
            "funding_method": funding_method,
            "training_initiative": None if funding_method == "C" else initiative,
            "_initiative_name": ("veterans_teaching_undergraduate_bursary" if funding_method == "C"
                                 else (ref.entry("training_initiative", initiative) or {}).get("name",
                                                                                             "no_initiative")),
            "iqts_country": iqts_country,
            "hesa_id": text(hesa_id),
            "record_source": "api",
            "employing_school_urn": school_urn,
            "training_partner_urn": partner[0] if partner else None,
            "training_partner_ukprn": partner[1] if partner else None,
            "_hesa": True,
            "previous_last_name": text(inp.get("previous_last_name")),
            "itt_aim": itt_aim,
            "itt_qualification_aim": qual_aim,
            "course_year": course_year,
            "ni_number": text(inp.get("ni_number")),
            "pg_apprenticeship_start_date": _date_or_none(inp.get("pg_apprenticeship_start_date")),
            "additional_training_initiative": text(additional) if not blank(additional) else None,
            "fund_code": fund_code,
        })
        return self.out

    def _route(self, start: date | None) -> str | None:
        value = self.inp.get("training_route")
        code = text(value)
        allowed = ROUTES_2025 if self.v2025 else ROUTES_2026
        known = ref.entry("training_route", code) is not None
        if code not in allowed:
            shown = ref.route_name(code) if known else value
            self.err("training_route", inclusion(shown, allowed))
            return None
        if code == "12" and start is not None and cycle_start_year(start) < 2022:
            self.err("training_route", inclusion("provider_led_postgrad", allowed))
            return None
        return code

    def _course_year(self) -> int | None:
        value = self.inp.get("course_year")
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
        if parsed is None and not self.v2025:
            self.err("course_year", "is not a valid course year")
        return parsed

    def _training_partner(self) -> tuple[str, str] | None:
        inp = self.inp
        if "training_partner_urn" in inp:
            urn = text(inp.get("training_partner_urn"))
            if blank(urn) or urn in NOT_APPLICABLE_URNS:
                return None
            partner = ref.training_partner_by_urn(urn)
            if partner is None:
                if self.v2025:
                    self.err("lead_partner_id", f"is invalid. The URN '{urn}' does not match any known lead partners")
                else:
                    self.err("training_partner_urn",
                             f"is invalid. The URN '{urn}' does not match any known training partners")
                return None
            return partner.get("urn"), partner.get("ukprn")
        if "training_partner_ukprn" in inp:
            ukprn = text(inp.get("training_partner_ukprn"))
            if blank(ukprn):
                return None
            partner = ref.training_partner_by_ukprn(ukprn)
            if partner is None:
                if self.v2025:
                    self.err("lead_partner_id",
                             f"is invalid. The URN '{ukprn}' does not match any known lead partners")
                else:
                    self.err("training_partner_ukprn",
                             f"is invalid. The UKPRN '{ukprn}' does not match any known training partners")
                return None
            return partner.get("urn"), partner.get("ukprn")
        return None

    def _employing_school(self) -> str | None:
        urn = text(self.inp.get("employing_school_urn"))
        if blank(urn) or urn in NOT_APPLICABLE_URNS:
            return None
        if ref.school(urn) is None:
            self.err("employing_school_id", f"is invalid. The URN '{urn}' does not match any known schools")
            return None
        return urn

    def _disabilities(self) -> tuple[str, dict[str, str]]:
        raw: dict[str, str] = {}
        for key, value in self.inp.items():
            m = DISABILITY_KEY.match(key)
            if m and not blank(value):
                raw[m.group(1)] = text(value) or ""
        ordered = [raw[k] for k in sorted(raw, key=int)]
        if len(set(ordered)) != len(ordered):
            self.err("disabilities", "contain duplicate values")
        mapped = [raw[k] for k in sorted(raw, key=int) if 1 <= int(k) <= 9 and ref.entry("disability", raw[k])]
        real = [c for c in mapped if c not in ("95", "98", "99")]
        if real:
            disclosure = "disabled"
        elif "95" in mapped:
            disclosure = "no_disability"
        else:
            disclosure = "disability_not_provided"
        return disclosure, raw

    def _nested(self, route: str | None) -> None:
        from register_sandbox.trainees import nested

        degrees = self.inp.get("degrees_attributes")
        if self.creating:
            items = degrees if isinstance(degrees, list) else []
            if route is not None and route not in UNDERGRAD_ROUTES and not items:
                self.err("", "degrees_attributes must be entered if specifying a postgraduate training_route")
            data, errors, duplicate = nested.degrees(items, self.version, self.today)
            for message in errors:
                self.err("", message)
            if duplicate:
                self.err("degrees_attributes", "contains duplicate degrees")
            self.out.degrees = data
            placements = self.inp.get("placements_attributes")
            pdata, perrors = nested.placements(placements if isinstance(placements, list) else [], self.version)
            for message in perrors:
                self.err("", f"placements_attributes {message}")
            self.out.placements = pdata
        elif route is not None and route not in UNDERGRAD_ROUTES and self.existing_degrees == 0:
            self.err("", "degrees_attributes must be entered if specifying a postgraduate training_route")


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
    """Validate and map a merged trainee input (internal names)."""
    return _Checker(inp, version, today, creating, existing_degrees).run()
