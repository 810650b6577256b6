"""Request-side judgements: is one request valid for the API version it targets?

Each rule looks at a single ``Exchange`` and says which ``CL-…`` rules it exercised and which it broke.
The facts are core.md and lifecycle.md; request-body shapes and code lists come from the overlaid official
schema of the targeted version (``overlay.load_overlaid``) when it can be found, and the rules written from
the facts (field names, routes, dates, funding, query parameters) run in every case.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from register_conformance.clientcert.exchange import Exchange
from register_conformance.compat.renames import known_renames
from register_conformance.cycle import utc_today, years_ago
from register_conformance.errors import ConformanceError
from register_conformance.lifecycle.facts import INDEX_STATUSES

# CL ids (data/clientcert/client.yaml)
VERSION = "CL-REQ-VERSION"
ONE_VERSION = "CL-REQ-ONE-VERSION"
ROUTE = "CL-REQ-ROUTE"
AUTH = "CL-REQ-AUTH"
JSON_BODY = "CL-REQ-JSON"
CONTENT_TYPE = "CL-REQ-CONTENT-TYPE"
ENVELOPE = "CL-REQ-ENVELOPE"
SCHEMA = "CL-REQ-SCHEMA"
FIELD_NAMES = "CL-REQ-FIELD-NAMES"
CODES = "CL-REQ-CODES"
ROUTE_CODE = "CL-REQ-ROUTE-CODE"
DATES = "CL-REQ-DATES"
DATE_FORMAT = "CL-REQ-DATE-FORMAT"
FUNDING = "CL-REQ-FUNDING"
DEGREE_ON_CREATE = "CL-REQ-DEGREE-ON-CREATE"
QUERY = "CL-REQ-QUERY"
NO_READ_ONLY = "CL-REQ-NO-READ-ONLY"
FIELD_RULES = "CL-REQ-FIELD-RULES"

#: Versions a Register environment can serve (core.md §1.2; ``-rc`` is rewritten to v2025.0, §1.3).
SERVED_VERSIONS = ("v2025.0", "v2026.1")
RC_ALIAS = {"v2025.0-rc": "v2025.0"}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: Notes the HAR reader leaves when the recording tool stripped a request body, or every Authorization header
#: (Chrome's sanitized export, HAR sanitizers): those are not judged.
BODY_NOT_RECORDED = "request body not recorded"
AUTH_NOT_RECORDED = "Authorization headers not recorded"

_ID = r"[^/]+"
#: (operation, method, path template below the version, regex, versions) - core.md §2.2, §15; lifecycle.md §0.1.
_ROUTES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("info", "GET", "/info", SERVED_VERSIONS),
    ("reference-data", "GET", "/reference-data", ("v2026.1",)),
    ("index", "GET", "/trainees", SERVED_VERSIONS),
    ("create", "POST", "/trainees", SERVED_VERSIONS),
    ("show", "GET", "/trainees/{trainee_id}", SERVED_VERSIONS),
    ("update", "PUT", "/trainees/{trainee_id}", SERVED_VERSIONS),
    ("update", "PATCH", "/trainees/{trainee_id}", SERVED_VERSIONS),
    ("degrees", "GET", "/trainees/{trainee_id}/degrees", SERVED_VERSIONS),
    ("degree-create", "POST", "/trainees/{trainee_id}/degrees", SERVED_VERSIONS),
    ("degree", "GET", "/trainees/{trainee_id}/degrees/{degree_id}", SERVED_VERSIONS),
    ("degree-update", "PUT", "/trainees/{trainee_id}/degrees/{degree_id}", SERVED_VERSIONS),
    ("degree-update", "PATCH", "/trainees/{trainee_id}/degrees/{degree_id}", SERVED_VERSIONS),
    ("degree-delete", "DELETE", "/trainees/{trainee_id}/degrees/{degree_id}", SERVED_VERSIONS),
    ("placements", "GET", "/trainees/{trainee_id}/placements", SERVED_VERSIONS),
    ("placement-create", "POST", "/trainees/{trainee_id}/placements", SERVED_VERSIONS),
    ("placement", "GET", "/trainees/{trainee_id}/placements/{placement_id}", SERVED_VERSIONS),
    ("placement-update", "PUT", "/trainees/{trainee_id}/placements/{placement_id}", SERVED_VERSIONS),
    ("placement-update", "PATCH", "/trainees/{trainee_id}/placements/{placement_id}", SERVED_VERSIONS),
    ("placement-delete", "DELETE", "/trainees/{trainee_id}/placements/{placement_id}", SERVED_VERSIONS),
    ("withdraw", "POST", "/trainees/{trainee_id}/withdraw", SERVED_VERSIONS),
    ("defer", "POST", "/trainees/{trainee_id}/defer", SERVED_VERSIONS),
    ("recommend", "POST", "/trainees/{trainee_id}/recommend-for-qts", SERVED_VERSIONS),
    ("recommend", "POST", "/trainees/{trainee_id}/update-qts-or-eyts-status", SERVED_VERSIONS),
)
_COMPILED = tuple(
    (op, method, template, re.compile("^" + re.sub(r"\{[a-z_]+\}", _ID, template) + r"(?:\.json)?/?$"), versions)
    for op, method, template, versions in _ROUTES
)
#: Operations that write to an existing trainee, and those that need a trainee-level body.
TRAINEE_WRITES = frozenset({"update", "degree-create", "degree-update", "degree-delete", "placement-create",
                            "placement-update", "placement-delete", "withdraw", "defer", "recommend"})

# -- facts used by the rules ----------------------------------------------------------------------------
#: Request date fields (core.md §2.7, §9.2; lifecycle.md §5.1, §6.1, §7.2).
DATE_FIELDS = frozenset({"date_of_birth", "itt_start_date", "itt_end_date", "trainee_start_date",
                         "pg_apprenticeship_start_date", "defer_date", "withdraw_date", "withdrawal_date",
                         "qts_standards_met_date"})
#: Routes whose create needs no degree (undergraduate routes, core.md §9.2).
UNDERGRAD_ROUTES = frozenset({"09", "11", "14", "18"})
#: Routes with no funding rule in the current cycles: fund_code 7 is refused (core.md §13.2).
UNFUNDED_ROUTES = frozenset({"14", "15", "16", "17", "18", "21"})
#: Routes each version accepts (core.md §16, §12).
ROUTES_BY_VERSION = {
    "v2025.0": frozenset({"02", "03", "09", "10", "11", "12", "14"}),
    "v2026.1": frozenset({"03", "09", "10", "11", "12", "14", "15", "16", "17", "18", "19", "20", "21"}),
}
ROUTE_NAMES = {"02": "school_direct_tuition_fee", "15": "iqts", "16": "assessment_only",
               "17": "early_years_assessment_only", "18": "early_years_undergrad", "19": "early_years_postgrad",
               "20": "early_years_salaried", "21": "hpitt_postgrad"}
#: Response-only trainee fields the API silently ignores on input (core.md §2.5, §11).
READ_ONLY_FIELDS = frozenset({"trn", "state", "trainee_id", "record_source", "created_at", "updated_at",
                              "submitted_for_trn_at", "awarded_at", "recommended_for_award_at", "ukprn"})
#: Documented index parameters (core.md §7.1).
INDEX_PARAMS = frozenset({"academic_cycle", "since", "status", "has_trn", "page", "per_page", "sort_order"})
#: Request field renames v2025.0 → v2026.1 that apply to request bodies (data/compat/renames.yaml).
REQUEST_FIELDS_RENAMED = frozenset({"course_subject_one", "course_subject_two", "course_subject_three",
                                    "lead_partner_urn", "lead_partner_ukprn", "withdraw_date"})


@lru_cache(maxsize=1)
def renames() -> dict[str, str]:
    """Old (v2025.0) request name → new (v2026.1) name."""
    return {r.old: r.new for r in known_renames() if r.old in REQUEST_FIELDS_RENAMED}


@dataclass(frozen=True)
class Operation:
    name: str
    template: str  # below the version, e.g. /trainees/{trainee_id}/degrees
    trainee_id: str | None


def operation_of(method: str, route: str) -> Operation | None:
    """The documented operation a (method, route below the version) calls, or None."""
    for op, m, template, regex, _versions in _COMPILED:
        if m == method and regex.match(route):
            parts = route.strip("/").split("/")
            trainee = parts[1].removesuffix(".json") if len(parts) > 1 and parts[0] == "trainees" else None
            return Operation(op, template, trainee)
    return None


def _route_versions(method: str, route: str) -> tuple[str, ...]:
    for _op, m, _template, regex, versions in _COMPILED:
        if m == method and regex.match(route):
            return versions
    return ()


def served_version(version: str | None) -> str | None:
    """``v2025.0-rc`` → ``v2025.0``; a served version stays; anything else → None."""
    if version in SERVED_VERSIONS:
        return version
    return RC_ALIAS.get(version or "")


# -- findings --------------------------------------------------------------------------------------------
@dataclass
class Findings:
    """What one exchange exercised (``checked``) and broke (``failed``: (CL id, message, field or ''))."""

    checked: set[str] = field(default_factory=set)
    failed: list[tuple[str, str, str]] = field(default_factory=list)

    def check(self, cl_id: str) -> None:
        self.checked.add(cl_id)

    def fail(self, cl_id: str, message: str, field_name: str = "") -> None:
        self.checked.add(cl_id)
        self.failed.append((cl_id, message, field_name))


# -- request-body schemas ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemaError:
    """One request-schema violation, whichever validator found it."""

    path: tuple[str, ...]  # instance path, e.g. ("data", "sex")
    kind: str  # JSON Schema keyword: required, enum, pattern, type, maxLength, …
    message: str
    instance: Any
    code_field: bool  # the failing schema carries a code list (enum or pattern)


class BodyValidator:
    """A compiled request-body schema: jsonschema-rs (a Schemathesis dependency, ~50x faster) or jsonschema."""

    def __init__(self, root: dict[str, Any]) -> None:
        self._root = root
        try:
            import jsonschema_rs

            self._rs = jsonschema_rs.Draft7Validator(root, validate_formats=False)
            self._py = None
        except ImportError:  # pragma: no cover - jsonschema-rs ships with Schemathesis
            from jsonschema import Draft7Validator

            self._rs, self._py = None, Draft7Validator(root)

    def _is_code(self, schema_path: Sequence[Any]) -> bool:
        node: Any = self._root
        for part in list(schema_path)[:-1]:
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                return False
        return isinstance(node, dict) and ("enum" in node or "pattern" in node)

    def errors(self, instance: Any) -> list[SchemaError]:
        if self._rs is not None:
            if self._rs.is_valid(instance):
                return []
            return [SchemaError(tuple(str(p) for p in e.instance_path), _keyword(type(e.kind).__name__), e.message,
                                e.instance, self._is_code(e.schema_path)) for e in self._rs.iter_errors(instance)]
        return [SchemaError(tuple(str(p) for p in e.absolute_path), str(e.validator), e.message, e.instance,
                            self._is_code(list(e.absolute_schema_path))) for e in self._py.iter_errors(instance)]


def _keyword(kind_name: str) -> str:
    """jsonschema-rs kind class names (``MaxLength``) → keywords (``maxLength``)."""
    return kind_name[:1].lower() + kind_name[1:]


class SchemaBook:
    """Request-body validators of one version from the overlaid official schema (None when not found)."""

    def __init__(self, loader: Callable[[str], dict[str, Any]] | None = None, *,
                 openapi_dir: str | None = None) -> None:
        self._loader = loader
        self._openapi_dir = openapi_dir
        self._validators: dict[tuple[str, str, str], Any] = {}
        self._docs: dict[str, dict[str, Any] | None] = {}
        self._errors: dict[str, ConformanceError] = {}
        self._lock = threading.Lock()  # the live page judges on its own thread while serve may finish
        self.problem: str | None = None

    def _doc(self, version: str) -> dict[str, Any] | None:
        with self._lock:
            return self._load(version)

    def _load(self, version: str) -> dict[str, Any] | None:
        if version not in self._docs:
            try:
                self._docs[version] = (self._loader or self._load_overlaid)(version)
            except ConformanceError as exc:
                self.problem = f"request schemas not checked: {exc}"
                self._errors[version] = exc
                self._docs[version] = None
        return self._docs[version]

    def require(self, versions: Iterable[str]) -> None:
        """Load the schemas of ``versions`` now; a missing or corrupt one raises its ``ConformanceError``."""
        for version in versions:
            if self._doc(version) is None:
                raise self._errors[version]

    def _load_overlaid(self, version: str) -> dict[str, Any]:
        from register_conformance.overlay import load_overlaid

        return load_overlaid(version, self._openapi_dir)

    def validator(self, version: str, method: str, template: str) -> Any:
        key = (version, method, template)
        if key in self._validators:
            return self._validators[key]
        validator = None
        doc = self._doc(version)
        if doc is not None:
            op = (doc.get("paths", {}).get("/api/{api_version}" + template) or {}).get(method.lower()) or {}
            body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
            if body is not None:
                from register_conformance.schema_checks import oas_to_jsonschema

                validator = BodyValidator(oas_to_jsonschema({**body, "components": doc.get("components", {})}))
        self._validators[key] = validator
        return validator


# -- the rules --------------------------------------------------------------------------------------------
def judge_request(ex: Exchange, version: str, book: SchemaBook) -> Findings:
    """Judge one request as sent to ``version`` (a served version)."""
    out = Findings()
    op = operation_of(ex.method, ex.route)
    out.check(ROUTE)
    if op is None:
        out.fail(ROUTE, f"{ex.method} {ex.route} is not a route of the Register API (404 Not found)")
    elif version not in _route_versions(ex.method, ex.route):
        out.fail(ROUTE, f"{ex.method} {ex.route} is not served by {version} (404)")
    _auth(ex, op, out)
    if op is not None and op.name == "index":
        _query(ex, out)
    if ex.method in BODY_METHODS and op is not None:
        _body(ex, version, op, book, out)
    return out


def _auth(ex: Exchange, op: Operation | None, out: Findings) -> None:
    value = ex.request_header("authorization")
    if op is not None and op.name == "reference-data" and not value:
        return  # the one endpoint that skips authentication (core.md §3.7)
    if not value and AUTH_NOT_RECORDED in ex.notes and ex.status != 401:
        return  # the server accepted a header the recording tool removed
    out.check(AUTH)
    if not value:
        out.fail(AUTH, "no Authorization header (401): send 'Authorization: Bearer <token>'")
        return
    scheme, _, rest = value.partition(" ")
    if not rest.strip():
        out.fail(AUTH, "Authorization carries a bare token: send 'Authorization: Bearer <token>'")
    elif scheme != "Bearer":
        out.fail(AUTH, f"Authorization scheme {scheme!r} is not 'Bearer' (the server only strips 'Bearer ': 401)")


def _query(ex: Exchange, out: Findings) -> None:
    out.check(QUERY)
    for name, value in ex.query:
        if name not in INDEX_PARAMS:
            out.fail(QUERY, f"query parameter {name!r} is not documented for GET /trainees (core.md §7.1, §7.2)", name)
        elif name == "since" and value and parse_datetime(value) is None:
            out.fail(QUERY, f"since={value!r} is not an ISO 8601 date or date-time (422)", name)
        elif name == "status" and value and value not in INDEX_STATUSES:
            out.fail(QUERY, f"status={value!r} is not one of {', '.join(INDEX_STATUSES)} (422)", name)
        elif name == "sort_order" and value not in ("asc", "desc"):
            out.fail(QUERY, f"sort_order={value!r}: send asc or desc", name)
        elif name == "per_page" and not (value.isdigit() and int(value) >= 1):
            out.fail(QUERY, f"per_page={value!r}: send an integer ≥ 1 (0 or empty gives 404)", name)
        elif name == "has_trn" and value not in ("true", "false"):
            out.fail(QUERY, f"has_trn={value!r}: only 'true' selects trainees with a TRN; send true or false", name)
        elif name == "academic_cycle" and value and not re.fullmatch(r"\d{4}", value):
            out.fail(QUERY, f"academic_cycle={value!r}: send the cycle's start year (YYYY)", name)


def _body(ex: Exchange, version: str, op: Operation, book: SchemaBook, out: Findings) -> None:
    if ex.request_body is None and BODY_NOT_RECORDED in ex.notes:
        return  # the recording tool dropped the body: nothing to judge
    if op.name == "degree-delete" or op.name == "placement-delete":
        return
    text = ex.request_body or ""
    if text.strip():
        out.check(CONTENT_TYPE)
        ctype = (ex.request_header("content-type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            out.fail(CONTENT_TYPE, f"body sent as {ctype or 'no Content-Type'}: send 'Content-Type: application/json'")
    out.check(JSON_BODY)
    body = ex.request_json()
    if text.strip() and body is None and text.strip() != "null":
        out.fail(JSON_BODY, "the body is not well-formed JSON (400)")
        return
    out.check(ENVELOPE)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not data:
        shown = "no body" if not text.strip() else "no 'data' object" if not isinstance(data, dict) else "empty 'data'"
        out.fail(ENVELOPE, f"{shown}: wrap the fields as {{\"data\": {{…}}}} (422 Param is missing…)")
        return
    extra = sorted(k for k in body if k != "data")
    if extra:
        out.fail(ENVELOPE, f"fields outside 'data' are ignored: {', '.join(extra)}")
    trainee_level = op.name in ("create", "update")
    skip_required: set[str] = set()
    _field_names(data, version, op, out, skip_required)
    _dates(data, out)
    if trainee_level:
        _routes_and_funding(data, version, op, out)
        _cross_field(data, version, out)
        _read_only(data, op, out)
    if op.name == "withdraw":
        _withdraw(data, out)
    _schema(body, version, ex.method, op, book, out, skip_required)


def _field_names(data: dict[str, Any], version: str, op: Operation, out: Findings, skip: set[str]) -> None:
    if op.name not in ("create", "update", "withdraw", "placement-create"):
        return
    out.check(FIELD_NAMES)
    table = renames()
    if version == "v2026.1":
        for old in sorted(k for k in data if k in table):
            new = table[old]
            skip.add(new)
            out.fail(FIELD_NAMES, f"{old} is the v2025.0 name; v2026.1 expects {new} (the old name is ignored)", old)
    else:
        back = {new: old for old, new in table.items()}
        for new in sorted(k for k in data if k in back):
            old = back[new]
            skip.add(old)
            out.fail(FIELD_NAMES, f"{new} is the v2026.1 name; v2025.0 expects {old} (the new name is ignored)", new)


def _dates(data: dict[str, Any], out: Findings) -> None:
    for name in DATE_FIELDS & data.keys():
        value = data[name]
        if value is None or value == "":
            continue
        out.check(DATES)
        out.check(DATE_FORMAT)
        if not isinstance(value, str):
            out.fail(DATES, f"{name}={value!r}: send a date string YYYY-MM-DD", name)
        elif strict_date(value) is None:
            if lenient_date(value) is None:
                out.fail(DATES, f"{name}={value!r} is not a valid ISO 8601 date (is invalid)", name)
            else:
                out.fail(DATE_FORMAT, f"{name}={value!r}: send the documented form YYYY-MM-DD", name)


def _routes_and_funding(data: dict[str, Any], version: str, op: Operation, out: Findings) -> None:
    route = data.get("training_route")
    route = str(route) if route not in (None, "") else None
    if route is not None:
        out.check(ROUTE_CODE)
        if route not in ROUTES_BY_VERSION[version] and route in ROUTES_BY_VERSION["v2025.0"] | ROUTES_BY_VERSION[
                "v2026.1"]:
            name = ROUTE_NAMES.get(route, route)
            out.fail(ROUTE_CODE, f"training_route {route} ({name}) is refused by {version} (422)", "training_route")
    if version == "v2026.1" and (route is not None or "iqts_country" in data):
        out.check(ROUTE_CODE)
        iqts = data.get("iqts_country")
        if route == "15" and not iqts and op.name == "create":
            out.fail(ROUTE_CODE, "training_route 15 (iqts) needs iqts_country (422 can't be blank)", "iqts_country")
        if iqts and route is not None and route != "15":
            out.fail(ROUTE_CODE, f"iqts_country is only for route 15; route {route} gives 422 must be blank",
                     "iqts_country")
    fund = data.get("fund_code")
    if fund is not None and route is not None:
        out.check(FUNDING)
        if str(fund) == "7" and route in UNFUNDED_ROUTES:
            out.fail(FUNDING, f"fund_code 7 with route {route}: that route has no funding, send fund_code 2",
                     "fund_code")
    if op.name == "create" and route is not None:
        out.check(DEGREE_ON_CREATE)
        degrees = data.get("degrees_attributes")
        if route not in UNDERGRAD_ROUTES and not (isinstance(degrees, list) and degrees):
            out.fail(DEGREE_ON_CREATE, f"route {route} is postgraduate: the create needs degrees_attributes (422)",
                     "degrees_attributes")


PRIMARY_AGE_RANGES = frozenset({"13909", "13911", "13912", "13913", "13914", "13915"})
EARLY_YEARS_ROUTES = frozenset({"17", "18", "19", "20"})
EARLY_YEARS_AGE_RANGE, PRIMARY_SUBJECT, EARLY_YEARS_SUBJECT = "13920", "100511", "100510"


def _cross_field(data: dict[str, Any], version: str, out: Findings, today: date | None = None) -> None:
    """Cross-field rules of the version, judged only on the fields the request carries (core.md §9.5, §16)."""
    today = today or utc_today()
    s1, s2, s3 = (("course_subject_1", "course_subject_2", "course_subject_3") if version == "v2026.1"
                  else ("course_subject_one", "course_subject_two", "course_subject_three"))
    route, age = str(data.get("training_route") or ""), str(data.get("course_age_range") or "")
    subject = str(data.get(s1) or "")
    start, end = (strict_date(v) if isinstance(v, str) else None
                  for v in (data.get("itt_start_date"), data.get("itt_end_date")))
    birth = strict_date(data["date_of_birth"]) if isinstance(data.get("date_of_birth"), str) else None
    if (start and end) or birth or start:
        out.check(FIELD_RULES)
    if start and end and end <= start:
        out.fail(FIELD_RULES, "itt_end_date must be after itt_start_date (422)", "itt_end_date")
    if start and start.year > today.year + 1:
        out.fail(FIELD_RULES, "itt_start_date must not be more than one year in the future (422)", "itt_start_date")
    if birth and birth > today:
        out.fail(FIELD_RULES, "date_of_birth must be in the past (422)", "date_of_birth")
    elif birth and birth > years_ago(today, 16):
        out.fail(FIELD_RULES, "date_of_birth cannot be less than 16 years ago (422)", "date_of_birth")
    subjects = [str(data.get(k) or "") for k in (s1, s2, s3)]
    if subjects[0] and route not in EARLY_YEARS_ROUTES:
        out.check(FIELD_RULES)
        for i in (1, 2):
            if subjects[i] and subjects[i] in subjects[:i]:
                out.fail(FIELD_RULES, f"{(s1, s2, s3)[i]} repeats an earlier subject (might contain duplicate values)",
                         (s1, s2, s3)[i])
    if version != "v2026.1":
        return
    if end:
        out.check(FIELD_RULES)
        if end.year > today.year + 5:
            out.fail(FIELD_RULES, "itt_end_date must be within the next 5 years (422)", "itt_end_date")
        elif end < today.replace(year=today.year - 10, day=min(today.day, 28)):
            out.fail(FIELD_RULES, "itt_end_date must be within the last 10 years (422)", "itt_end_date")
    if age and subject and route not in EARLY_YEARS_ROUTES and age in PRIMARY_AGE_RANGES:
        out.check(FIELD_RULES)
        if subject != PRIMARY_SUBJECT:
            out.fail(FIELD_RULES, f"course_subject_1 {subject} with primary age range {age}: v2026.1 needs "
                                  f"{PRIMARY_SUBJECT} (v2025.0 silently corrected it)", "course_subject_1")
    if route in EARLY_YEARS_ROUTES:
        out.check(FIELD_RULES)
        if subject and subject != EARLY_YEARS_SUBJECT:
            out.fail(FIELD_RULES, f"early-years route {route} needs course_subject_1 {EARLY_YEARS_SUBJECT}",
                     "course_subject_1")
        if age and age != EARLY_YEARS_AGE_RANGE:
            out.fail(FIELD_RULES, f"early-years route {route} needs course_age_range {EARLY_YEARS_AGE_RANGE}",
                     "course_age_range")
    elif route and age == EARLY_YEARS_AGE_RANGE:
        out.check(FIELD_RULES)
        out.fail(FIELD_RULES, f"course_age_range {EARLY_YEARS_AGE_RANGE} is for early-years routes only "
                              f"(route {route})", "course_age_range")


def _withdraw(data: dict[str, Any], out: Findings) -> None:
    """Reasons valid for the trigger; the texts some reasons require (lifecycle.md §5.1, §5.3, §5.4)."""
    from register_conformance.generation import data as generation_data

    reasons = data.get("reasons")
    if not isinstance(reasons, list) or not reasons:
        return  # the schema judges a missing or empty list
    lists = generation_data()["withdrawal"]
    trigger = data.get("trigger")
    allowed = set(lists["provider"] if trigger == "provider" else lists["trainee"])
    out.check(CODES)
    wrong = sorted(str(r) for r in reasons if r not in allowed)
    if wrong:
        out.fail(CODES, f"reasons {', '.join(wrong)} are not valid for trigger {trigger!r} (422)", "reasons")
    out.check(SCHEMA)
    if any("another_reason" in str(r) for r in reasons) and not data.get("another_reason"):
        out.fail(SCHEMA, "a reason ending in another_reason needs another_reason (422 Enter another reason)",
                 "another_reason")
    if "safeguarding_concerns" in reasons and not data.get("safeguarding_concern_reasons"):
        out.fail(SCHEMA, "safeguarding_concerns needs safeguarding_concern_reasons (422 Enter the concerns)",
                 "safeguarding_concern_reasons")


def _read_only(data: dict[str, Any], op: Operation, out: Findings) -> None:
    out.check(NO_READ_ONLY)
    sent = sorted(READ_ONLY_FIELDS & data.keys())
    if sent:
        out.fail(NO_READ_ONLY, f"response-only field(s) {', '.join(sent)} are ignored by the API", sent[0])
    if op.name == "update":
        nested = sorted({"degrees_attributes", "placements_attributes"} & data.keys())
        if nested:
            out.fail(NO_READ_ONLY, f"{', '.join(nested)} on update are ignored: use the degree/placement endpoints",
                     nested[0])


def _schema(body: Any, version: str, method: str, op: Operation, book: SchemaBook, out: Findings,
            skip_required: set[str]) -> None:
    validator = book.validator(version, method, op.template)
    if validator is None:
        return
    out.check(SCHEMA)
    out.check(CODES)
    said: set[tuple[str, ...]] = set()
    for error in validator.errors(body):
        path = list(error.path)
        name = path[-1] if path else ""
        if error.kind != "required":
            if error.path in said:
                continue  # one finding per field (a number for a code breaks both type and enum)
            said.add(error.path)
        if error.kind == "required":
            missing = _missing_name(error.message)
            if missing in skip_required or (missing == "data"):
                continue
            out.fail(SCHEMA, f"{'.'.join(path) or 'body'}: {missing} is required", missing)
            continue
        if name in DATE_FIELDS or error.kind == "format":
            continue  # judged by the date rules
        if name == "training_route":
            continue  # judged by the route rule with the version's list
        where = ".".join(path) or "body"
        value = error.instance
        if error.kind in ("enum", "pattern") or (error.kind == "type" and error.code_field):
            out.fail(CODES, f"{where}={value!r} is not a code {version} accepts ({_short(error.message)})", name)
        else:
            out.fail(SCHEMA, f"{where}: {_short(error.message)}", name)


def _missing_name(message: str) -> str:
    match = re.match(r"""['"]([^'"]+)['"] is a required property""", message)
    return match.group(1) if match else message


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


# -- dates ----------------------------------------------------------------------------------------------------
_STRICT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def strict_date(value: str) -> date | None:
    """A ``YYYY-MM-DD`` calendar date, else None."""
    if not _STRICT.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def lenient_date(value: str) -> date | None:
    """What the server's ISO 8601 date parser accepts (basic form, ordinal, week, date-times; core.md §2.8)."""
    try:
        return date.fromisoformat(value)  # 3.11+: basic, ordinal and week forms
    except ValueError:
        pass
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 date or date-time (``Z`` or offset), else None.

    A ``+`` offset that reached the server as a space (not URL-encoded, core.md §7.1) does not parse.
    """
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
