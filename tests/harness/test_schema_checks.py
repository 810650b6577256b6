"""Our checks and the negative-data policy, on hand-made cases and responses."""

from __future__ import annotations

import json

import pytest
import requests
from schemathesis.core.transport import Response

from register_conformance.failures import RequirementFailure
from register_conformance.loader import load_schema
from register_conformance.schema_checks import (
    STE_MESSAGE,
    NegativePolicy,
    error_body_conformance,
)
from register_conformance.stats import OperationStats


@pytest.fixture(scope="module")
def schema():
    return load_schema("v2026.1", "http://t", token="tok")


def respond(status: int, body: object, method: str = "GET", url: str = "http://t/api/v2026.1/x") -> Response:
    raw = requests.Response()
    raw.status_code = status
    raw._content = json.dumps(body).encode()
    raw.request = requests.Request(method, url).prepare()
    return Response.from_requests(raw, verify=True)


def case_for(schema, path: str, method: str, **kw):
    params = {"api_version": "v2026.1", "trainee_id": "t1", "degree_id": "d1", "placement_id": "p1"}
    op = schema[path][method]
    names = {p.name for p in op.path_parameters}
    return op.Case(path_parameters={k: v for k, v in params.items() if k in names}, **kw)


@pytest.mark.parametrize(
    ("path", "method", "status", "body", "requirement"),
    [
        ("/api/{api_version}/info", "GET", 401, {"error": "unauthorized"}, "AUTH-401"),
        ("/api/{api_version}/trainees/{trainee_id}", "GET", 404,
         {"errors": [{"error": "NotFound", "message": "No trainees found"}]}, "ERR-404"),
        ("/api/{api_version}/trainees", "POST", 409,
         {"errors": [{"error": "Conflict", "message": "This is a duplicate degree"}], "data": []}, "ERR-409"),
        ("/api/{api_version}/trainees/{trainee_id}", "PUT", 422,
         {"errors": [{"error": "StateTransitionError", "message": STE_MESSAGE.replace("\u2019", "'")}]}, "ERR-STE"),
        ("/api/{api_version}/trainees", "POST", 422,
         {"message": "Validation failed: 2 errors prohibited this trainee from being saved", "errors": ["a b"]},
         "ERR-422-COUNT"),
        ("/api/{api_version}/trainees", "POST", 400, {"errors": "Unexpected token"}, "ERR-400"),
    ],
)
def test_error_body_violations_name_their_requirement(schema, path, method, status, body, requirement) -> None:
    with pytest.raises(RequirementFailure) as info:
        error_body_conformance(None, respond(status, body, method), case_for(schema, path, method))
    assert info.value.requirement_id == requirement


@pytest.mark.parametrize(
    ("path", "method", "status", "body"),
    [
        ("/api/{api_version}/trainees/{trainee_id}/degrees/{degree_id}", "GET", 404,
         {"errors": [{"error": "NotFound", "message": "Degree(s) not found"}]}),
        ("/api/{api_version}/trainees", "GET", 404,
         {"errors": [{"error": "NotFound", "message": "No trainees found"}]}),
        ("/api/{api_version}/trainees/{trainee_id}", "PUT", 422,
         {"errors": [{"error": "StateTransitionError", "message": STE_MESSAGE}]}),
        ("/api/{api_version}/trainees", "POST", 422,
         {"message": "Validation failed: 1 error prohibited this trainee from being saved", "errors": ["a b"]}),
        ("/api/{api_version}/trainees", "GET", 422,
         {"message": "Validation failed: 1 error prohibited this request being run", "errors": {"status": ["x"]}}),
    ],
)
def test_conformant_error_bodies_pass(schema, path, method, status, body) -> None:
    assert error_body_conformance(None, respond(status, body, method), case_for(schema, path, method)) is None


def test_policy_coerces_as_the_api_does(schema) -> None:
    policy = NegativePolicy(schema.raw_schema)
    put = case_for(schema, "/api/{api_version}/trainees/{trainee_id}", "PUT")
    body = {"data": {"first_names": 123, "sex": None, "middle_names": ["x"], "unknown": 1,
                     "date_of_birth": "19900101", "course_subject_2": None}}
    assert policy.coerce_body(put, body) == {"data": {"first_names": "123", "date_of_birth": "1990-01-01",
                                                      "course_subject_2": None}}


def test_operation_stats_shares() -> None:
    stats = OperationStats()
    for status, positive in [(200, True), (201, True), (422, True), (422, False), (404, False)]:
        stats.record("POST /x", status, positive)
    row = stats.summary()["POST /x"]
    assert row["requests"] == 5 and row["share_2xx"] == 0.4
    assert row["positive_requests"] == 3 and row["positive_share_2xx"] == 0.667
    assert any("POST /x" in line for line in stats.lines())


def test_update_with_only_ignored_keys_is_not_negative(schema) -> None:
    """{"data": {"first_names": null}} on PUT is a 200 no-op for the API (nulls ignored, data not empty)."""
    policy = NegativePolicy(schema.raw_schema)
    put = case_for(schema, "/api/{api_version}/trainees/{trainee_id}", "PUT",
                   body={"data": {"first_names": None, "degrees_attributes": [{"graduation_year": True}]}})
    assert policy.coerce_body(put, put.body) == {"data": {}}
    assert policy._update_without_changes(put, put.body, policy.coerce_body(put, put.body))


def test_update_drops_empty_optional_fields_but_keeps_empty_required_ones(schema) -> None:
    """On update "" is kept: only fields required on create are pinned to fail (core.md §10.3)."""
    policy = NegativePolicy(schema.raw_schema)
    put = case_for(schema, "/api/{api_version}/trainees/{trainee_id}", "PUT")
    body = {"data": {"first_names": [], "trainee_start_date": "", "sex": ""}}
    assert policy.coerce_body(put, body) == {"data": {"sex": ""}}
