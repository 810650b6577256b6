"""Preflight outcomes, each one clear line (httpx.MockTransport as the target)."""

from __future__ import annotations

import httpx
import pytest

from register_conformance.client import ApiClient
from register_conformance.errors import TargetError
from register_conformance.preflight import preflight

TOKEN = "preflight-secret-token"


def client(handler) -> ApiClient:
    return ApiClient("https://register.test", "v2026.1", TOKEN, transport=httpx.MockTransport(handler))


def info_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"status": "ok", "version": {"requested": "v2026.1", "latest": "v2026.1"}})


def test_ok_returns_the_info_body() -> None:
    assert preflight(client(info_ok))["status"] == "ok"


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("Connection refused", request=r)), "target unreachable"),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]", request=r)),
         "TLS failure"),
        (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("timed out", request=r)), "did not answer within"),
        (lambda r: httpx.Response(401, json={"error": "Unauthorized"}), "rejected the token (401)"),
        (lambda r: httpx.Response(404, json={"errors": [{"error": "NotFound", "message": "Not found"}]}),
         "does not serve API version v2026.1"),
        (lambda r: httpx.Response(200, text="<html>hello</html>", headers={"content-type": "text/html"}),
         "did not answer JSON"),
        (lambda r: httpx.Response(200, json={"hello": "world"}), "not the Register API /info body"),
        (lambda r: httpx.Response(500, text="boom"), "unexpected status 500"),
    ],
    ids=["unreachable", "tls", "timeout", "401", "404", "non-json", "wrong-json", "500"],
)
def test_failures_are_one_line_target_errors(handler, expected: str) -> None:
    with pytest.raises(TargetError) as info:
        preflight(client(handler))
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert TOKEN not in message
    assert info.value.exit_code == 2


def test_preflight_stops_the_run_with_exit_2(pytester: pytest.Pytester) -> None:
    """The suites' conftest turns a failed preflight into exit code 2 and no test run."""
    pytester.makeconftest(
        'pytest_plugins = ("register_conformance.plugin",)\n'
        "import pytest\n"
        "from register_conformance.plugin import make_client\n"
        "from register_conformance.preflight import preflight\n"
        "from register_conformance.errors import ConformanceError\n"
        "@pytest.fixture(scope='session', autouse=True)\n"
        "def _preflight(pytestconfig, settings):\n"
        "    try:\n"
        "        preflight(make_client(pytestconfig, settings.token))\n"
        "    except ConformanceError as exc:\n"
        "        pytest.exit(f'preflight failed: {exc}', returncode=2)\n"
    )
    pytester.makepyfile("def test_never_runs():\n    raise AssertionError('ran')\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--base-url", "http://127.0.0.1:9",
                                          "--request-timeout", "2")
    assert result.ret == 2
    assert "target unreachable" in result.stdout.str() + result.stderr.str()
