"""Tokens never appear in curl reproductions, descriptions, case reprs or failure messages."""

from __future__ import annotations

import httpx
import pytest

from register_conformance.client import ApiClient
from register_conformance.redaction import REDACTED, curl_command, redact_headers, redact_text

TOKEN = "sandbox_0123456789abcdef0123456789abcdef"


def test_headers_and_text() -> None:
    assert redact_headers({"Authorization": f"Bearer {TOKEN}", "Accept": "x"}) == {
        "Authorization": REDACTED, "Accept": "x"}
    assert TOKEN not in redact_text(f"token {TOKEN} and again {TOKEN}", [TOKEN])


def test_curl_uses_an_env_placeholder() -> None:
    curl = curl_command("POST", "http://t/api/v2026.1/trainees", {"Authorization": f"Bearer {TOKEN}"}, b'{"a": 1}')
    assert TOKEN not in curl
    assert '"Authorization: Bearer $REGISTER_API_TOKEN"' in curl


def test_client_curl_and_describe() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"echo": request.headers["authorization"]})

    client = ApiClient("http://t", "v2026.1", TOKEN, transport=httpx.MockTransport(handler))
    response = client.post("/trainees", json={"data": {"first_names": "A"}})
    assert TOKEN not in client.curl(response)
    assert TOKEN not in client.describe(response)  # even when the server echoes it back


def test_schemathesis_case_repr_hides_the_header() -> None:
    from register_conformance.loader import load_schema

    schema = load_schema("v2026.1", "http://127.0.0.1:9", token=TOKEN, profile_name="quick")
    op = schema["/api/{api_version}/info"]["GET"]
    case = op.Case(path_parameters={"api_version": "v2026.1"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert TOKEN not in repr(case)
    assert case.headers["Authorization"] == f"Bearer {TOKEN}"  # the request itself still carries it


def test_requirement_failure_message_is_redacted() -> None:
    import requests

    from register_conformance.failures import RequirementFailure, exchange_of, exchange_record
    from register_conformance.loader import load_schema
    from register_conformance.schema_checks import error_body_conformance

    schema = load_schema("v2026.1", "http://127.0.0.1:9", token=TOKEN)
    case = schema["/api/{api_version}/info"]["GET"].Case(path_parameters={"api_version": "v2026.1"})
    prepared = requests.Request("GET", "http://127.0.0.1:9/api/v2026.1/info",
                                headers={"Authorization": f"Bearer {TOKEN}"}).prepare()
    raw = requests.Response()
    raw.status_code, raw._content, raw.request = 401, b'{"errors":["Unauthorized"]}', prepared
    raw.headers["Content-Type"] = "application/json"
    from schemathesis.core.transport import Response

    with pytest.raises(RequirementFailure) as info:
        error_body_conformance(None, Response.from_requests(raw, verify=True), case)
    text = str(info.value)
    assert text.startswith("[AUTH-401]") and info.value.requirement_id == "AUTH-401"
    assert TOKEN not in text
    record = exchange_record(exchange_of(info.value.response, {TOKEN: "REGISTER_API_TOKEN"}))
    assert TOKEN not in str(record) and '"Authorization: Bearer $REGISTER_API_TOKEN"' in record["curl"]


def test_plugin_scrubs_tokens_from_any_failure_report(pytester: pytest.Pytester,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Last line of defence: whatever an exception says, pytest's report and JUnit never show the token."""
    monkeypatch.setenv("REGISTER_API_TOKEN", TOKEN)
    pytester.makeconftest('pytest_plugins = ("register_conformance.plugin",)')
    pytester.makepyfile(f"""
def test_leaky():
    exc = RuntimeError("strategy(headers={{'Authorization': 'Bearer {TOKEN}'}})")
    exc.add_note("note {TOKEN}")
    raise exc
""")
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--junitxml={junit}")
    result.assert_outcomes(failed=1)
    text = result.stdout.str() + junit.read_text()
    assert "RuntimeError" in text and REDACTED in text
    assert TOKEN not in text


def test_failure_exchange_redacts_credentials_both_ways() -> None:
    from register_conformance.failures import exchange_of

    request = httpx.Request("GET", "http://t/api/v2026.1/info",
                            headers={"Authorization": f"Bearer {TOKEN}", "Cookie": "session=abc"})
    response = httpx.Response(200, headers={"Set-Cookie": "session=abc"}, json={}, request=request)
    exchange = exchange_of(response, {TOKEN: "REGISTER_API_TOKEN"})
    assert exchange.request_header("authorization") == "Bearer [REDACTED]"
    assert exchange.request_header("cookie") == "[REDACTED]"
    assert exchange.response_header("set-cookie") == "[REDACTED]"
    assert exchange.client == "$REGISTER_API_TOKEN"
