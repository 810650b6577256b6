"""Authentication (core.md §3), versioning and the catch-all (§1), /info and /reference-data (§15)."""

from __future__ import annotations

import pytest

from .conftest import TOKEN_A, TOKEN_B, V25, V26, Api

UNAUTHORIZED = {"error": "Unauthorized"}
NOT_FOUND = {"errors": [{"error": "NotFound", "message": "Not found"}]}


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Bearer wrong", f"bearer {TOKEN_A}", f"Token {TOKEN_A}"])
def test_bad_or_missing_token_is_401_with_exact_body(api: Api, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    r = api.client.get(f"{V26}/info", headers=headers)
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED
    assert r.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("header", [f"Bearer {TOKEN_A}", TOKEN_A, f"  {TOKEN_A}  ", f"Bearer   {TOKEN_A}  "])
def test_bearer_prefix_is_optional_and_spaces_tolerated(api: Api, header: str) -> None:
    assert api.client.get(f"{V26}/info", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize("token", ["revoked_token", "expired_token", "expires_today", "discarded_token"])
def test_revoked_expired_and_discarded_tokens_are_401(api: Api, token: str) -> None:
    r = api.get(f"{V26}/info", token=token)
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


def test_token_expiring_tomorrow_still_works(api: Api) -> None:
    assert api.get(f"{V26}/info", token="expires_tomorrow").status_code == 200


@pytest.mark.parametrize(("version", "requested"), [("v2026.1", "v2026.1"), ("v2025.0", "v2025.0"),
                                                    ("v2025.0-rc", "v2025.0-rc")])
def test_info_echoes_requested_version(api: Api, version: str, requested: str) -> None:
    r = api.get(f"/api/{version}/info")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": {"requested": requested, "latest": "v2026.1"}}


@pytest.mark.parametrize("path", ["/api/v0.0/info", "/api/v2024.0/trainees", "/api/v2026.1-pre/info",
                                  "/api/v2026.1/foo", "/api/v2026.1/trainees/abc/unknown"])
def test_catch_all_is_401_then_404(api: Api, path: str) -> None:
    assert (api.get(path, token=None).status_code, api.get(path, token=None).json()) == (401, UNAUTHORIZED)
    r = api.get(path)
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


def test_unsupported_method_is_404_not_405(api: Api) -> None:
    for method in ("DELETE", "OPTIONS", "PATCH"):
        r = api.client.request(method, f"{V26}/trainees", headers={"Authorization": TOKEN_A})
        assert (r.status_code, r.json()) == (404, NOT_FOUND)
    r = api.client.request("DELETE", f"{V26}/trainees/abc")
    assert r.status_code == 401


def test_version_not_in_allow_list_falls_to_catch_all(make_api) -> None:  # type: ignore[no-untyped-def]
    api = make_api(versions=("v2026.1",))
    assert api.get(f"{V25}/reference-data", token=None).status_code == 401
    assert api.get(f"{V25}/reference-data").json() == NOT_FOUND
    assert api.get(f"{V25}/info").status_code == 404
    assert api.get("/api/v2025.0-rc/info").status_code == 404


def test_reference_data_needs_no_token_and_ignores_a_wrong_one(api: Api) -> None:
    r = api.get(f"{V26}/reference-data", token=None)
    assert r.status_code == 200
    assert len(r.json()) == 19
    assert api.get(f"{V26}/reference-data?field=sex", token="nonsense").json()["metadata"]["name"] == "sex"
    assert api.get(f"{V26}/reference-data?field=", token=None).json().keys() == r.json().keys()


def test_reference_data_errors(api: Api) -> None:
    r = api.get(f"{V25}/reference-data", token=None)
    assert r.status_code == 404
    assert r.json() == {"errors": [{"error": "NotFound",
                                    "message": "Reference data is not available for version 'v2025.0'"}]}
    r = api.get(f"{V26}/reference-data?field=Sex", token=None)
    assert r.json() == {"errors": [{"error": "NotFound", "message": "Reference data field 'Sex' not found"}]}


def test_second_provider_cannot_see_first_providers_trainee(api: Api) -> None:
    trainee = api.create()
    r = api.get(f"{V26}/trainees/{trainee['trainee_id']}", token=TOKEN_B)
    assert r.status_code == 404
    assert r.json() == {"errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}
    assert api.put(f"{V26}/trainees/{trainee['trainee_id']}", {"data": {"first_names": "X"}},
                   token=TOKEN_B).status_code == 404
    assert api.get(f"{V26}/trainees", token=TOKEN_B).status_code == 404


def test_non_api_path_is_plain_404(api: Api) -> None:
    r = api.client.get("/api/V2026.1/info")
    assert r.status_code == 404
    assert r.json() == {"error": "Resource not found"}


def test_tokens_of_an_earlier_configuration_stop_working(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    from register_sandbox.app import create_app
    from register_sandbox.config import ProviderSeed, SandboxConfig

    db = str(tmp_path / "tokens.sqlite3")
    first = create_app(SandboxConfig(db_path=db, providers=(ProviderSeed("p", "old_token"),)))
    with TestClient(first) as client:
        assert client.get(f"{V26}/info", headers={"Authorization": "old_token"}).status_code == 200
    first.state.sandbox.store.close()
    second = create_app(SandboxConfig(db_path=db, providers=(ProviderSeed("p", "new_token"),)))
    with TestClient(second) as client:
        assert client.get(f"{V26}/info", headers={"Authorization": "old_token"}).status_code == 401
        assert client.get(f"{V26}/info", headers={"Authorization": "new_token"}).status_code == 200
    second.state.sandbox.store.close()
