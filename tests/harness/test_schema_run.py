"""A tiny deliberately wrong stub target: failures name the requirement and carry a redacted curl."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests
from requests.adapters import BaseAdapter

from register_conformance.client import RequestStats, Throttle, ThrottledAdapter
from register_conformance.failures import RequirementFailure, exchange_of, exchange_record
from register_conformance.loader import load_schema
from register_conformance.schema_checks import make_trainee_keys_check
from register_conformance.schema_run import SchemaRun
from register_conformance.stats import OperationStats

TOKEN = "stub_token_0123456789abcdef"
BASE = "http://stub.test"


class StubAdapter(BaseAdapter):
    """A requests adapter answering from ``handler(method, path) -> (status, body)``; 401 without a token."""

    def __init__(self, handler: Callable[[str, str], tuple[int, object]]) -> None:
        super().__init__()
        self.handler = handler

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        import io

        from urllib3.response import HTTPResponse

        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            status, body = 401, {"error": "Unauthorized"}
        else:
            status, body = self.handler(request.method or "GET", request.path_url.split("?")[0])
        content = json.dumps(body).encode() if not isinstance(body, str) else body.encode()
        ctype = "application/json; charset=utf-8" if not isinstance(body, str) else "text/plain"
        response = requests.Response()
        response.status_code = status
        response.raw = HTTPResponse(body=io.BytesIO(content), headers={"Content-Type": ctype}, status=status,
                                    preload_content=False)
        response.headers["Content-Type"] = ctype
        response._content = content
        response._content_consumed = True
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def schema():
    return load_schema("v2026.1", BASE, token=TOKEN, profile_name="quick")


def run_for(schema, handler, stats: OperationStats | None = None) -> SchemaRun:
    session = requests.Session()
    session.mount("http://", StubAdapter(handler))
    trainee_keys = schema.raw_schema["components"]["schemas"]["Trainee"]["properties"]
    return SchemaRun(schema, session, stats or OperationStats(), checks=[make_trainee_keys_check(trainee_keys)],
                     secrets=(TOKEN,))


def info_case(schema, **kw):
    kw.setdefault("headers", {"Authorization": f"Bearer {TOKEN}"})
    return schema["/api/{api_version}/info"]["GET"].Case(path_parameters={"api_version": "v2026.1"}, **kw)


def test_conformant_answer_passes_and_is_counted(schema) -> None:
    stats = OperationStats()
    info = {"status": "ok", "version": {"requested": "v2026.1", "latest": "v2026.1"}}
    run = run_for(schema, lambda m, p: (200, info), stats)
    run.call_and_validate(info_case(schema))
    assert stats.summary()["GET /api/{api_version}/info"]["2xx"] == 1


def test_wrong_401_body_names_the_requirement_with_redacted_curl(schema) -> None:
    run = run_for(schema, lambda m, p: (200, {}))
    # A wrong token reaches a stub whose 401 body is wrong.
    stub_401 = run.session.get_adapter(BASE)
    stub_401.handler = lambda m, p: (401, {"errors": [{"error": "Unauthorized"}]})
    with pytest.raises(RequirementFailure) as info:
        run.call_and_validate(info_case(schema))
    text = str(info.value)
    assert "Requirement AUTH-401" in text and "Requirement SCH-RESPONSES" in text
    assert TOKEN not in text and info.value.requirement_id == "AUTH-401"
    curl = exchange_record(exchange_of(info.value.response, {TOKEN: "REGISTER_API_TOKEN"}))["curl"]
    assert curl.startswith("curl -X GET") and TOKEN not in curl


def test_undocumented_status_names_sch_status(schema) -> None:
    run = run_for(schema, lambda m, p: (418, {"error": "teapot"}))
    with pytest.raises(AssertionError, match="Requirement SCH-STATUS"):
        run.call_and_validate(info_case(schema))


def test_internal_trainee_keys_are_reported(schema) -> None:
    from copy import deepcopy

    trainee = {k: None for k in schema.raw_schema["components"]["schemas"]["Trainee"]["required"]}
    leaked = deepcopy(trainee) | {"submission_ready": True}
    run = run_for(schema, lambda m, p: (200, leaked))
    case = schema["/api/{api_version}/trainees/{trainee_id}"]["GET"].Case(
        path_parameters={"api_version": "v2026.1", "trainee_id": "abc"}, headers={"Authorization": f"Bearer {TOKEN}"})
    with pytest.raises(AssertionError) as info:
        run.call_and_validate(case)
    assert "[SHOW-KEYS]" in str(info.value) and "submission_ready" in str(info.value)


def test_rate_limited_after_the_budget_skips_rather_than_fails(schema) -> None:
    stats = RequestStats()
    sleeps: list[float] = []
    stub = StubAdapter(lambda m, p: (429, "Retry later\n"))
    throttled = ThrottledAdapter(Throttle(None), stats, max_retries=2, sleep=sleeps.append)
    throttled.send = lambda request, **kw: _via(throttled, stub, request)  # type: ignore[method-assign]
    session = requests.Session()
    session.mount("http://", throttled)
    run = SchemaRun(schema, session, OperationStats())
    with pytest.raises(pytest.skip.Exception, match="429"):
        run.call_and_validate(info_case(schema))
    assert stats.requests == 3 and stats.retries == 2


def _via(throttled: ThrottledAdapter, stub: StubAdapter, request: requests.PreparedRequest) -> requests.Response:
    """ThrottledAdapter's retry loop over the stub instead of the network."""
    from register_conformance.client import send_with_retries

    return send_with_retries(lambda: stub.send(request), throttle=throttled.throttle, stats=throttled.stats,
                             max_retries=throttled.retry_budget, sleep=throttled.sleep, status=lambda r: r.status_code,
                             header=lambda r, n: r.headers.get(n), discard=lambda r: None)


def _diverging_machine(run: SchemaRun, failures: list[str], calls: list[int]):
    from hypothesis.errors import FlakyStrategyDefinition

    class Machine:
        @staticmethod
        def run(settings=None) -> None:
            calls.append(1)
            run.stateful_failures.extend(failures)
            raise FlakyStrategyDefinition("Inconsistent data generation!")

    return lambda: Machine


def test_diverging_generation_is_retried_then_skipped_not_failed(schema) -> None:
    import pytest

    run = run_for(schema, lambda request: None)
    calls: list[int] = []
    run.state_machine = _diverging_machine(run, [], calls)
    with pytest.raises(pytest.skip.Exception, match="no check failed"):
        run.run_state_machine(None)
    assert len(calls) == 3


def test_diverging_generation_after_a_check_failure_reports_the_failure(schema) -> None:
    import pytest

    run = run_for(schema, lambda request: None)
    calls: list[int] = []
    run.state_machine = _diverging_machine(run, [AssertionError("[ERR-SHAPES] wrong 404 body")], calls)
    with pytest.raises(AssertionError, match=r"\[ERR-SHAPES\] wrong 404 body"):
        run.run_state_machine(None)
    assert len(calls) == 1


def test_ignored_auth_carries_the_probe_with_the_wrong_token_not_the_cases_request(schema) -> None:
    """The exchange that showed a wrong token accepted is Schemathesis' probe: its curl sends the wrong
    token it sent (never the run's) and gets the 2xx again; the case's own request proves nothing."""
    info = {"status": "ok", "version": {"requested": "v2026.1", "latest": "v2026.1"}}
    sent: list[str] = []
    run = run_for(schema, lambda m, p: (200, info))
    stub = run.session.get_adapter(BASE)
    plain_send = stub.send

    def accept_any_bearer(request: requests.PreparedRequest, **kw: object) -> requests.Response:
        header = str(request.headers.get("Authorization", ""))
        sent.append(header)
        if header.startswith("Bearer ") and header != f"Bearer {TOKEN}":  # served as the run's token
            answer = plain_send(_with_auth(request, f"Bearer {TOKEN}"), **kw)
            answer.request = request  # what the target received is what the probe sent
            return answer
        return plain_send(request, **kw)

    stub.send = accept_any_bearer
    with pytest.raises(RequirementFailure) as caught:
        run.call_and_validate(info_case(schema))
    failure = caught.value
    assert failure.requirement_id == "SCH-AUTH" and failure.kind == "ignored_auth"
    assert failure.field == "invalid_auth"
    record = exchange_record(exchange_of(failure.response, {TOKEN: "REGISTER_API_TOKEN"}))
    assert record["response"]["status"] == 200
    authorization = record["request"]["headers"].get("Authorization", "")
    assert authorization.startswith("Bearer ") and TOKEN not in authorization and "[REDACTED]" not in authorization
    assert "$REGISTER_API_TOKEN" not in record["curl"] and authorization in record["curl"]
    assert sent[0] == f"Bearer {TOKEN}" and len(sent) == 3  # the case, the probe without a token, the wrong one


def _with_auth(request: requests.PreparedRequest, value: str) -> requests.PreparedRequest:
    copy = request.copy()
    copy.headers["Authorization"] = value
    return copy
