"""Authentication and versioning details the mutation meta-tests showed untested (core.md §1.4, §1.5, §3.1).

Covers: a lower-case ``bearer`` prefix, an unknown token, a version outside the allow-list
and the exact ``/info`` body.
"""

from __future__ import annotations

import secrets

import pytest

from register_conformance.expect import expect_body, expect_status, fail
from register_conformance.lifecycle.error_bodies import expect_not_found, expect_unauthorized

LATEST = "v2026.1"
UNSERVED_VERSIONS = ("v0.0", "v2024.0")


@pytest.mark.nondestructive
@pytest.mark.requirement("AUTH-BEARER", "AUTH-401")
def test_bearer_prefix_is_case_sensitive_and_tokens_must_match(api, settings):
    """``bearer <token>`` (lower case) and an unknown token are refused with 401 {"error":"Unauthorized"}."""
    for label, header in (("a lower-case 'bearer' prefix", f"bearer {settings.token}"),
                          ("an unknown token", f"Bearer sandbox_{secrets.token_hex(32)}")):
        for path in ("/info", "/trainees"):
            response = api.get(path, token=None, headers={"Authorization": header})
            if response.status_code != 401:
                fail(f"GET {path} with {label}\nReceived: {response.status_code}\nExpected: 401", response)
            expect_unauthorized(response)


@pytest.mark.nondestructive
@pytest.mark.requirement("VER-INFO")
def test_info_body(api, version):
    """GET /info answers exactly {"status":"ok","version":{"requested":<v>,"latest":"v2026.1"}}."""
    expect_body(expect_status(api.get("/info"), 200),
                {"status": "ok", "version": {"requested": version, "latest": LATEST}})


@pytest.mark.nondestructive
@pytest.mark.requirement("VER-UNKNOWN-404", "VER-PIN")
def test_unserved_version_is_not_found(api):
    """A version outside the allow-list is not served: 404 "Not found" with a token, 401 without."""
    for unserved in UNSERVED_VERSIONS:
        client = api.with_version(unserved)
        for path in ("/info", "/trainees"):
            expect_not_found(client.get(path), "Not found")
            expect_unauthorized(expect_status(client.get(path, token=None), 401))
