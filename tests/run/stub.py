"""A tiny stand-in for a Register API target and a throwaway suites folder, for fast run tests."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from register_conformance.schemas import ENV_OPENAPI_DIR, locate

TOKEN = "tok_DISTINCTIVE_7f3c9a1e5b"
SECOND_TOKEN = "tok_SECOND_b2d4f6a8c0"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") not in (f"Bearer {TOKEN}", f"Bearer {SECOND_TOKEN}"):
            self._send(401, {"error": "Unauthorized"})
            return
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "api" and parts[2] == "info":
            self._send(200, {"status": "ok", "version": {"requested": parts[1], "latest": "v2026.1"}})
        elif len(parts) >= 3 and parts[0] == "api" and parts[2] == "trainees":
            self._send(200, {"data": [], "links": {}})
        else:
            self._send(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})


@contextmanager
def stub_target() -> Iterator[str]:
    """Serve the stub on a free loopback port; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


ROOT_CONFTEST = 'pytest_plugins = ("register_conformance.plugin",)\n'
PYTEST_INI = textwrap.dedent("""\
    [pytest]
    addopts = -p no:cacheprovider
    markers =
        requirement(*ids): requirement ids
        nondestructive: read only
""")
SUITES_CONFTEST = textwrap.dedent('''\
    import pytest
    from register_conformance.plugin import preflight_or_exit

    @pytest.fixture(scope="session", autouse=True)
    def _preflight(pytestconfig):
        preflight_or_exit(pytestconfig)
''')
PASSING = textwrap.dedent('''\
    import pytest
    from register_conformance.expect import expect_status

    @pytest.mark.requirement("VER-INFO")
    def test_info(api):
        expect_status(api.get("/info"), 200)

    def test_skipped(api):
        pytest.skip("no TRN issued; cannot test award")
''')
FAILING = textwrap.dedent('''\
    import pytest
    from register_conformance.expect import expect_status

    @pytest.mark.requirement("AUTH-401")
    def test_trainees_teapot(api):
        expect_status(api.get("/trainees"), 418)
''')
#: Builds its tests from the official schema at collection time, as the schema suite does.
SCHEMA_AT_COLLECTION = textwrap.dedent('''\
    from register_conformance.plugin import current_config, session_schema

    session_schema(current_config())


    def test_schema_loaded():
        pass
''')


def make_suites(root: Path, *, failing: bool) -> Path:
    """A project folder with ``suites/schema`` (and a failing test when asked); returns the suites dir."""
    (root / "conftest.py").write_text(ROOT_CONFTEST)
    (root / "pytest.ini").write_text(PYTEST_INI)
    suites = root / "suites"
    (suites / "schema").mkdir(parents=True)
    (suites / "conftest.py").write_text(SUITES_CONFTEST)
    (suites / "schema" / "test_info.py").write_text(PASSING)
    if failing:
        (suites / "schema" / "test_trainees.py").write_text(FAILING)
    return suites

SCHEMATHESIS = textwrap.dedent('''\
    import pytest
    import schemathesis

    def _op(name):
        return {"get": {"parameters": [{"name": "api_version", "in": "path", "required": True,
                                        "schema": {"type": "string", "enum": ["v2025.0"]}}],
                        "responses": {"200": {"description": "ok"}}}}

    RAW = {"openapi": "3.0.3", "info": {"title": "stub", "version": "1"},
           "paths": {"/api/{api_version}/info": _op("info"), "/api/{api_version}/trainees": _op("trainees")}}

    @pytest.fixture
    def stub_schema(settings):
        config = schemathesis.Config.from_dict({"base-url": settings.base_url, "generation": {"max-examples": 2},
                                                "phases": {"coverage": {"enabled": False}}})
        return schemathesis.openapi.from_dict(RAW, config=config)

    schema = schemathesis.pytest.from_fixture("stub_schema")

    @schema.parametrize()
    @pytest.mark.requirement("VER-INFO", "AUTH-401")
    def test_operation(case, settings, requests_session):
        from register_conformance.failures import RequirementFailure

        # Sent through the run's session, as the real schema suite does: its exchanges are observed.
        response = case.call(session=requests_session, headers={"Authorization": f"Bearer {settings.token}"})
        if response.status_code != 200 or "trainees" in case.formatted_path:
            raise RequirementFailure("[AUTH-401] Received: %s" % response.status_code, requirement_id="AUTH-401",
                                     response=response)
''')

def suites_reading_relative_schemas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> Path:
    """Suites whose collection needs the official schema, run from ``tmp_path`` with ``REGISTER_OPENAPI_DIR``
    set to the relative ``openapi`` (holding ``version``'s file): the children must get it resolved."""
    (tmp_path / "project").mkdir()
    suites = make_suites(tmp_path / "project", failing=False)
    (suites / "schema" / "test_needs_schema.py").write_text(SCHEMA_AT_COLLECTION)
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / f"{version}.yaml").write_bytes(locate(version).path.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_OPENAPI_DIR, "openapi")
    return suites



def make_schemathesis_suites(root: Path) -> Path:
    """Suites with one Schemathesis test over two operations (info passes, trainees fails naming AUTH-401)."""
    suites = make_suites(root, failing=False)
    (suites / "schema" / "test_info.py").unlink()
    (suites / "schema" / "test_generated.py").write_text(SCHEMATHESIS)
    return suites
