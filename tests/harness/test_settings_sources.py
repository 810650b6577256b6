"""Options, environment variables and ini keys: one test per source, then precedence (pytest-base-url style)."""

from __future__ import annotations

import pytest

from register_conformance.errors import UsageError
from register_conformance.settings import build_settings

PROBE = """
def test_probe(settings):
    print("VERSION=" + settings.api_version)
    print("PROFILE=" + settings.profile)
    print("BASE=" + str(settings.base_url))
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("REGISTER_API_VERSION", "REGISTER_PROFILE", "REGISTER_BASE_URL", "PYTEST_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest('pytest_plugins = ("register_conformance.plugin",)')
    pytester.makepyfile(PROBE)
    return pytester


def _run(p: pytest.Pytester, *args: str) -> str:
    result = p.runpytest_inprocess("-s", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    return result.stdout.str()


def test_cli_option(project: pytest.Pytester) -> None:
    out = _run(project, "--api-version", "v2025.0", "--base-url", "http://127.0.0.1:9")
    assert "VERSION=v2025.0" in out and "BASE=http://127.0.0.1:9" in out


def test_environment_variable(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTER_API_VERSION", "v2025.0")
    monkeypatch.setenv("REGISTER_PROFILE", "quick")
    out = _run(project)
    assert "VERSION=v2025.0" in out and "PROFILE=quick" in out


def test_ini_key(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nregister_api_version = v2025.0\nregister_profile = thorough\n")
    out = _run(project)
    assert "VERSION=v2025.0" in out and "PROFILE=thorough" in out


def test_cli_beats_env_beats_ini(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    project.makeini("[pytest]\nregister_api_version = v2025.0\nregister_profile = thorough\n")
    monkeypatch.setenv("REGISTER_PROFILE", "quick")
    out = _run(project, "--api-version", "v2026.1")
    assert "VERSION=v2026.1" in out  # CLI over ini
    assert "PROFILE=quick" in out  # env over ini


def test_bad_value_is_one_line_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--profile", "nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "invalid profile 'nope'" in result.stderr.str()


def test_token_never_from_ini_and_never_in_repr() -> None:
    settings = build_settings({}, {"REGISTER_API_TOKEN": "s3cret-token"}, {"": "ignored"})
    assert settings.token == "s3cret-token"
    assert "s3cret" not in repr(settings)


def test_rate_limit_forms() -> None:
    assert str(build_settings({"rate_limit": "10/1.5"}).rate_limit) == "10/1.5"
    assert build_settings({"rate_limit": "off"}).rate_limit is None
    with pytest.raises(UsageError, match="N/SECONDS"):
        build_settings({"rate_limit": "fast"})


def test_school_urn_is_six_digits() -> None:
    assert build_settings({}, {"REGISTER_SCHOOL_URN": " 100001 "}).school_urn == "100001"
    assert build_settings({}).school_urn is None
    with pytest.raises(UsageError, match="invalid school URN"):
        build_settings({"school_urn": "12345"})
