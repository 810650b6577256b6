"""Deliberate, named faults the sandbox can switch on (``--defect NAME``).

The meta-tests (tests/meta) run the conformance suite against a faulted sandbox and check that it
fails with a failure citing one of the requirement ids the defect names. Adding a defect: one
``Defect(...)`` entry in ``CATALOGUE`` and one ``if is_active("name"):`` in the code path it breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Defect:
    """One deliberate deviation from the facts."""

    name: str
    family: str
    description: str
    requirement_ids: tuple[str, ...] = ()


CATALOGUE: tuple[Defect, ...] = (
    # Families: authentication, authorisation, versioning, status-codes, response-shapes, validation,
    # state-machine, sub-resources, index, robustness, persistence, input-handling. Requirement ids are
    # those the suites cite; tests/meta checks that the suite fails on each defect with one of them.
    # --- authentication ---
    Defect("auth-lowercase-bearer-accepted", "authentication",
           "a lower-case 'bearer ' prefix is stripped and the token accepted", ("AUTH-BEARER", "AUTH-401")),
    Defect("auth-missing-token-accepted", "authentication",
           "a request without Authorization is served as the last authenticated provider",
           ("AUTH-BEARER", "AUTH-401", "LC-ERR-401", "SCH-AUTH")),
    Defect("auth-invalid-token-accepted", "authentication",
           "an unknown token is served as the last authenticated provider",
           ("AUTH-401", "AUTH-BEARER", "LC-ERR-401", "SCH-AUTH")),
    Defect("auth-401-wrong-body", "response-shapes",
           "401 body is {\"errors\":[...]} instead of {\"error\":\"Unauthorized\"}",
           ("AUTH-401", "ERR-SHAPES", "LC-ERR-401")),
    # --- authorisation ---
    Defect("iso-cross-provider-read", "authorisation",
           "GET /trainees/{id} finds another provider's trainee (show lookup not scoped)",
           ("AUTH-ISOLATION", "LC-ISO-READ")),
    Defect("iso-cross-provider-write", "authorisation",
           "update, actions and sub-resources find another provider's trainee (lookup not scoped)",
           ("AUTH-ISOLATION", "LC-ISO-WRITE")),
    Defect("iso-list-leak", "authorisation",
           "GET /trainees lists every provider's trainees", ("AUTH-ISOLATION", "LC-ISO-LIST")),
    Defect("iso-degree-other-trainee", "authorisation",
           "a degree is found through any trainee id (degree lookup ignores the trainee)",
           ("AUTH-ISOLATION", "LC-DEG-NOT-FOUND")),
    # --- versioning ---
    Defect("version-unknown-served", "versioning",
           "a version outside the allow-list (e.g. v0.0) is served as the latest instead of 404",
           ("VER-UNKNOWN-404",)),
    Defect("version-info-latest-wrong", "versioning",
           "GET /info reports the requested version as 'latest'", ("VER-INFO",)),
    Defect("compat-withdrawal-keys-not-mapped", "versioning",
           "v2025.0 trainee objects carry withdrawal_date/withdrawal_reasons (v2026.1 names) instead of "
           "withdraw_date/withdraw_reasons", ("COMPAT-READ-ACROSS", "COMPAT-LIST-ACROSS", "COMPAT-TRANSITION-ACROSS")),
    # --- status codes ---
    Defect("create-status-200", "status-codes",
           "POST /trainees answers 200 instead of 201",
           ("LC-CREATE-SUBMITTED", "SCH-STATUS")),
    Defect("recommend-status-200", "status-codes",
           "recommend-for-qts / update-qts-or-eyts-status answer 200 instead of 202",
           ("LC-RECOMMEND-202", "LC-UPDATE-QTS-202")),
    Defect("degree-missing-200", "status-codes",
           "GET …/degrees/{unknown id} answers 200 {\"data\":null} instead of 404",
           ("LC-DEG-NOT-FOUND", "ERR-404")),
    # --- response shapes ---
    Defect("show-wrapped-in-data", "response-shapes",
           "GET /trainees/{id} wraps the trainee in {\"data\": ...}", ("SHOW-UNWRAPPED", "LC-SCHEMA")),
    Defect("shape-null-keys-dropped", "response-shapes",
           "the trainee serializer omits keys whose value is null", ("SHOW-KEYS", "SCH-RESPONSES", "LC-SCHEMA")),
    Defect("shape-trainee-id-renamed", "response-shapes",
           "trainee objects carry 'id' instead of 'trainee_id'", ("SHOW-KEYS", "SCH-RESPONSES", "LC-SCHEMA")),
    Defect("shape-date-format", "response-shapes",
           "date_of_birth is serialized as DD/MM/YYYY instead of YYYY-MM-DD", ("SCH-RESPONSES", "LC-SCHEMA")),
    Defect("shape-content-type", "response-shapes",
           "GET show/index answer with Content-Type text/html", ("SCH-CONTENT-TYPE", "LC-SCHEMA")),
    Defect("error-404-shape", "response-shapes",
           "404 bodies are {\"error\":\"<message>\"} instead of the errors array",
           ("ERR-404", "ERR-SHAPES", "LC-ERR-404")),
    Defect("error-422-count", "response-shapes",
           "'Validation failed: N error(s)' always uses the plural 'errors'",
           ("ERR-422-COUNT", "LC-IDX-INVALID-422")),
    # --- validation ---
    Defect("valid-code-accepted", "validation",
           "an unknown sex code is accepted on create/update", ("CREATE-REJECTS-INVALID", "SCH-NEGATIVE")),
    Defect("valid-length-not-enforced", "validation",
           "first_names/last_name/middle_names longer than 60 characters are accepted",
           ("CREATE-REJECTS-INVALID", "LC-ERR-ENHANCED", "SCH-NEGATIVE")),
    Defect("valid-cross-field-skipped", "validation",
           "itt_end_date on or before itt_start_date is accepted", ("CREATE-REJECTS-INVALID",)),
    Defect("valid-duplicate-not-detected", "validation",
           "a second create of the same trainee is accepted (201) instead of 409", ("ERR-409",)),
    Defect("degree-grade-09-kept", "validation",
           "degree grade '09' is stored as sent instead of being rewritten to '14'", ("LC-DEG-MAPPING",)),
    # --- state machine ---
    Defect("withdraw-not-persisted", "state-machine",
           "POST …/withdraw answers 200 with state withdrawn but the state is never saved",
           ("LC-WITHDRAW",)),
    Defect("sm-withdraw-twice", "state-machine",
           "POST …/withdraw on a withdrawn trainee is allowed (v2025.0 and v2026.1)",
           ("LC-WITHDRAW-STATE", "LC-REFUSED-NO-CHANGE", "COMPAT-WRITE-LOCK-PER-VERSION")),
    Defect("writelock-missing-v2026", "state-machine",
           "v2026.1 degree/placement writes are allowed in recommended_for_award/withdrawn/awarded",
           ("LC-LOCK-V2026", "LC-LOCK-PRECEDENCE")),
    Defect("defer-wrong-state", "state-machine",
           "POST …/defer on a deferred trainee answers 200 instead of 422 S-D", ("LC-DEFER-STATE",)),
    Defect("sm-defer-state-unchanged", "state-machine",
           "POST …/defer records defer_date but leaves the state unchanged (not deferred)",
           ("LC-DEFER", "COMPAT-TRANSITION-ACROSS")),
    # --- sub-resources ---
    Defect("degree-delete-leaves-record", "sub-resources",
           "DELETE …/degrees/{id} answers 200 but the degree is still there", ("LC-DEG-DELETE",)),
    Defect("degree-update-not-persisted", "sub-resources",
           "PUT …/degrees/{id} answers 200 with the new values but does not save them", ("LC-DEG-UPDATE",)),
    Defect("placement-delete-leaves-record", "sub-resources",
           "DELETE …/placements/{id} answers 200 but the placement is still there", ("LC-PLC-DELETE",)),
    # --- index ---
    Defect("index-empty-200", "index",
           "GET /trainees with no results answers 200 {\"data\":[]} instead of 404",
           ("LC-IDX-EMPTY-404",)),
    Defect("index-status-filter-ignored", "index",
           "GET /trainees ignores the status filter", ("LC-IDX-STATUS",)),
    Defect("index-pagination-repeats", "index",
           "GET /trainees?page=N serves page N-1 (page 2 repeats page 1)", ("LC-IDX-PAGINATION",)),
    Defect("index-cycle-scoping-off", "index",
           "GET /trainees lists trainees of every start academic cycle", ("IDX-CYCLE-SCOPE",)),
    Defect("index-since-exclusive", "index",
           "GET /trainees?since= is exclusive (updated_at > since)", ("LC-IDX-SINCE",)),
    # --- robustness ---
    Defect("robust-unicode-500", "robustness",
           "create/update with non-ASCII names answers 500 (names encoded as ASCII)",
           ("ROBUST-INPUT", "SCH-NO-SERVER-ERROR")),
    Defect("robust-long-value-500", "robustness",
           "create/update with a provider_trainee_id over 50 characters answers 500 (column overflow)",
           ("ROBUST-INPUT", "SCH-NO-SERVER-ERROR")),
    Defect("robust-malformed-json-500", "robustness",
           "a malformed JSON body answers 500 instead of 400", ("ERR-400", "ROBUST-INPUT")),
    # --- persistence ---
    Defect("persist-update-not-committed", "persistence",
           "trainee writes (update, transitions) are rolled back after being answered",
           ("LC-UPD-PARTIAL", "LC-DEFER", "LC-WITHDRAW")),
    Defect("persist-lost-on-restart", "persistence",
           "trainees are kept in a connection-local TEMP table: all lost when the sandbox restarts",
           ("PERSIST-RESTART",)),
    # --- input handling: values real student-record systems send that the canonical trainee never holds ---
    Defect("input-blank-school-urn-stored", "input-handling",
           "a blank employing_school_urn is stored and echoed as \"\" instead of meaning no school (null)",
           ("IN-OPTIONAL",)),
    Defect("input-unknown-school-500", "input-handling",
           "an unknown employing_school_urn answers 500 (the missing school record is dereferenced)",
           ("IN-UNKNOWN-REFERENCE",)),
    Defect("input-disability-duplicate-on-update", "input-handling",
           "the duplicate-disabilityN check runs on create only: an update storing the same code twice is accepted",
           ("IN-DISABILITY-DUPLICATES",)),
    Defect("input-dob-16-boundary", "input-handling",
           "a trainee born exactly 16 years ago is refused as 'cannot be less than 16 years ago' (>= instead of >)",
           ("IN-DATE-BOUNDARIES",)),
    Defect("input-part-time-study-mode-refused", "input-handling",
           "the part-time study modes 31 and 64 are missing from the code list: refused as invalid reference data",
           ("IN-CODE-LISTS",)),
    Defect("input-nested-non-uk-country-lost", "input-handling",
           "a non-UK degree sent in degrees_attributes on create is stored without its country",
           ("IN-DEGREE-INPUTS",)),
    Defect("input-provider-id-truncated-on-update", "input-handling",
           "an update with a provider_trainee_id over 50 characters stores its first 50 instead of answering 422",
           ("IN-LENGTHS",)),
    Defect("input-graduation-year-next-refused", "input-handling",
           "a degree graduating next year is refused (the upper bound is this year, not next year)",
           ("IN-DATE-BOUNDARIES",)),
    Defect("input-urn-only-placement-no-address", "input-handling",
           "a placement with a URN and no postcode gets address null instead of 'URN <urn>'",
           ("IN-PLACEMENT-INPUTS",)),
)

BY_NAME: dict[str, Defect] = {d.name: d for d in CATALOGUE}

_active: frozenset[str] = frozenset()


class UnknownDefectError(ValueError):
    """A defect name that is not in the catalogue."""


def activate(names: Iterable[str]) -> frozenset[str]:
    """Switch on exactly ``names`` (process-wide); raise ``UnknownDefectError`` for unknown ones."""
    global _active
    chosen = frozenset(names)
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownDefectError(f"unknown defect {unknown[0]!r} (see --defect list)")
    _active = chosen
    return _active


def is_active(name: str) -> bool:
    """True when defect ``name`` is switched on. ``name`` must be in the catalogue."""
    if name not in BY_NAME:  # a typo in a code path must not silently do nothing
        raise KeyError(name)
    return name in _active


def catalogue_lines() -> list[str]:
    """The catalogue as tab-separated ``name  family  description  requirement ids`` lines."""
    return [f"{d.name}\t{d.family}\t{d.description}\t{','.join(d.requirement_ids)}" for d in CATALOGUE]
