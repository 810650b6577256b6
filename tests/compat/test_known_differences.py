"""The compat report on the official schemas lists every known difference with the right class.

Pinned on the official files as published (``load_raw``: their sha256 is in the manifest, so the
result is deterministic); one test checks the same with our overlays applied.
"""

from __future__ import annotations

import pytest

from register_conformance.compat import CompatReport, compare, load_raw

# Every difference in core.md §16 and lifecycle.md §8, with its class for a v2025.0 client.
EXPECTED_KNOWN: dict[str, str] = {
    "KD-RENAME-COURSE-SUBJECT": "breaking",
    "KD-RENAME-TRAINING-PARTNER-REQUEST": "breaking",
    "KD-RENAME-TRAINING-PARTNER-RESPONSE": "breaking",
    "KD-RENAME-WITHDRAWAL-RESPONSE": "breaking",
    "KD-RENAME-WITHDRAW-REQUEST-DATE": "breaking",
    "KD-WRITE-LOCK": "breaking",
    "KD-PRIMARY-SUBJECT-RULE": "breaking",
    "KD-EARLY-YEARS-RULES": "breaking",
    "KD-ROUTE-02-REMOVED": "breaking",
    "KD-COURSE-YEAR-CHECK": "breaking",
    "KD-ADDITIONAL-TRAINING-INITIATIVE-CHECKS": "breaking",
    "KD-ITT-END-DATE-RANGE": "breaking",
    "KD-RECOMMEND-FOR-QTS-DEPRECATED": "warning",
    "KD-EARLY-YEARS-PHASE": "warning",
    "KD-ROUTES-ADDED": "warning",
    "KD-PARTNER-ERROR-KEY": "warning",
    "KD-DUPLICATE-SUBJECT-ERROR-KEY": "warning",
    "KD-FUNDING-MESSAGE-LABEL": "warning",
    "KD-WITHDRAW-DATE-ERROR-ATTRIBUTE": "warning",
    "KD-ENHANCED-ERRORS-NESTED": "warning",
    "KD-CODE-LISTS-SOURCE": "warning",
    "KD-DUPLICATE-DEGREE-ALIASES": "warning",
    "KD-V2025-AVAILABILITY": "warning",
    "KD-IQTS-COUNTRY": "info",
    "KD-REFERENCE-DATA-ENDPOINT": "info",
    "KD-UPDATE-QTS-OR-EYTS-STATUS": "info",
    "KD-STUDY-MODE-RELAXED": "info",
    "KD-FUND-CODE-EXCEPTION-CYCLES": "info",
    "KD-UPDATE-READINESS-VALIDATION": "info",
    "KD-DEGREE-REFERENCE-DATA": "info",
    "KD-V2025-TRANSLATIONS-MISSING": "info",
}

SCHEMA_VISIBLE = {
    "KD-RENAME-COURSE-SUBJECT", "KD-RENAME-TRAINING-PARTNER-REQUEST", "KD-RENAME-TRAINING-PARTNER-RESPONSE",
    "KD-RENAME-WITHDRAWAL-RESPONSE", "KD-RENAME-WITHDRAW-REQUEST-DATE", "KD-IQTS-COUNTRY",
    "KD-REFERENCE-DATA-ENDPOINT", "KD-UPDATE-QTS-OR-EYTS-STATUS",
}


@pytest.fixture(scope="module")
def report() -> CompatReport:
    return compare("v2025.0", "v2026.1", loader=load_raw)


def find(report: CompatReport, rule: str, operation: str, field: str = "", location: str = ""):
    return [c for c in report.changes if c.rule == rule and c.operation == operation
            and (not field or c.field == field) and (not location or c.location == location)]


def test_every_known_difference_is_reported_with_its_class(report: CompatReport) -> None:
    assert {k.id: k.severity for k in report.known} == EXPECTED_KNOWN


def test_schema_visible_differences_are_found_by_the_static_diff(report: CompatReport) -> None:
    assert {k.id for k in report.known if k.kind == "schema"} == SCHEMA_VISIBLE
    assert {k.id for k in report.known if k.found_in_schema} == SCHEMA_VISIBLE


def test_schema_evidence_has_the_class_of_its_known_difference(report: CompatReport) -> None:
    known = {k.id: k for k in report.known}
    for change in report.changes:
        for kid in change.known:
            if known[kid].kind == "schema":
                assert change.severity == known[kid].severity or change.reason, (kid, change)


def test_withdraw_date_rename_is_breaking_on_request_and_response(report: CompatReport) -> None:
    [request] = find(report, "request-property-renamed", "POST /trainees/{trainee_id}/withdraw", "data.withdraw_date")
    assert (request.severity, request.after) == ("breaking", "data.withdrawal_date")
    assert "(required)" in request.message
    [response] = find(report, "response-property-renamed", "GET /trainees/{trainee_id}", "withdraw_date")
    assert (response.severity, response.after) == ("breaking", "withdrawal_date")
    [reasons] = find(report, "response-property-renamed", "GET /trainees/{trainee_id}", "withdraw_reasons")
    assert reasons.after == "withdrawal_reasons"


@pytest.mark.parametrize(("old", "new"), [
    ("data.course_subject_one", "data.course_subject_1"),
    ("data.course_subject_two", "data.course_subject_2"),
    ("data.course_subject_three", "data.course_subject_3"),
    ("data.lead_partner_urn", "data.training_partner_urn"),
    ("data.lead_partner_ukprn", "data.training_partner_ukprn"),
])
def test_create_request_renames_are_breaking(report: CompatReport, old: str, new: str) -> None:
    [change] = find(report, "request-property-renamed", "POST /trainees", old)
    assert (change.severity, change.after) == ("breaking", new)


def test_renamed_fields_are_not_reported_as_unrelated_remove_and_add(report: CompatReport) -> None:
    renamed = {"course_subject_one", "course_subject_two", "course_subject_three", "lead_partner_urn",
               "lead_partner_ukprn", "withdraw_date", "withdraw_reasons", "course_subject_1", "course_subject_2",
               "course_subject_3", "training_partner_urn", "training_partner_ukprn", "withdrawal_date",
               "withdrawal_reasons"}
    loose = [c for c in report.changes if c.rule.endswith(("-removed", "-added"))
             and c.field.replace("[]", "").rsplit(".", 1)[-1] in renamed]
    assert loose == []


def test_new_endpoints_are_info(report: CompatReport) -> None:
    [ref] = find(report, "api-path-added", "GET /reference-data")
    [qts] = find(report, "api-path-added", "POST /trainees/{trainee_id}/update-qts-or-eyts-status")
    assert ref.severity == qts.severity == "info"
    assert "KD-REFERENCE-DATA-ENDPOINT" in ref.known and "KD-UPDATE-QTS-OR-EYTS-STATUS" in qts.known


def test_new_error_status_on_delete_is_a_warning_linked_to_the_write_lock(report: CompatReport) -> None:
    for op in ("DELETE /trainees/{trainee_id}/degrees/{degree_id}",
               "DELETE /trainees/{trainee_id}/placements/{placement_id}"):
        [change] = find(report, "response-status-added", op)
        assert (change.severity, change.after, change.known) == ("warning", "422", ["KD-WRITE-LOCK"])


def test_write_lock_is_a_behavioural_breaking_change(report: CompatReport) -> None:
    [lock] = [k for k in report.known if k.id == "KD-WRITE-LOCK"]
    assert (lock.kind, lock.severity, lock.rule) == ("behaviour", "breaking", "write-lock-added")
    assert "PUT /trainees/{trainee_id}" in lock.operations


def test_iqts_country_and_study_mode(report: CompatReport) -> None:
    [iqts] = find(report, "new-optional-request-property", "POST /trainees", "data.iqts_country")
    [study] = find(report, "request-property-became-optional", "POST /trainees", "data.study_mode")
    assert iqts.severity == study.severity == "info"
    assert "KD-STUDY-MODE-RELAXED" in study.known


def test_generated_file_artefacts_are_info_with_a_reason(report: CompatReport) -> None:
    [stale] = find(report, "response-property-removed", "GET /trainees/{trainee_id}", "hesa_disabilities") or \
        find(report, "response-property-removed", "POST /trainees", "data.hesa_disabilities")
    assert stale.severity == "info" and stale.reason.startswith("schema artefact")
    slug = find(report, "request-parameter-type-changed", "GET /trainees/{trainee_id}", "path.trainee_id")
    assert [c.severity for c in slug] == ["info"]


def test_error_body_changes_are_downgraded(report: CompatReport) -> None:
    [change] = find(report, "response-property-renamed", "POST /trainees", "errors.course_subject_two",
                    "response 422")
    assert change.severity == "warning" and "error response" in change.reason
    assert "KD-DUPLICATE-SUBJECT-ERROR-KEY" in change.known


def test_worst_class_and_fail_on(report: CompatReport) -> None:
    assert report.worst() == "breaking"
    assert report.fails("breaking") and report.fails("warning") and not report.fails("never")


def test_same_version_has_no_changes() -> None:
    same = compare("v2026.1", "v2026.1", loader=load_raw)
    assert (same.changes, same.known, same.worst()) == ([], [], None)


def test_reverse_direction_has_no_known_list_but_still_diffs() -> None:
    back = compare("v2026.1", "v2025.0", loader=load_raw)
    assert back.known == [] and any("no known-differences list" in n for n in back.notes)
    [change] = find(back, "request-property-renamed", "POST /trainees/{trainee_id}/withdraw", "data.withdrawal_date")
    assert change.after == "data.withdraw_date"
    assert find(back, "api-path-removed", "GET /reference-data")[0].severity == "breaking"


def test_with_overlays_every_schema_visible_difference_is_still_found() -> None:
    """Our overlays must keep each version's own fields (a shared body would hide the renames)."""
    overlaid = compare("v2025.0", "v2026.1")
    assert {k.id for k in overlaid.known if k.found_in_schema} >= SCHEMA_VISIBLE
    assert {k.id: k.severity for k in overlaid.known} == EXPECTED_KNOWN
    if overlaid.overlays_applied:  # the overlays carry the code lists, so the route changes show
        removed = find(overlaid, "request-property-enum-value-removed", "POST /trainees", "data.training_route")
        assert [(c.severity, c.before) for c in removed] == [("breaking", ["02"])]
        assert "KD-ROUTE-02-REMOVED" in removed[0].known
