"""Create-validation, duplicates and robustness details the mutation meta-tests showed untested (core.md §9.5, §14).

Covers: an unknown code, over-long names, the itt_end_date/itt_start_date cross-field rule,
duplicate detection, and legal-but-unusual input (non-ASCII names, over-long ids, malformed JSON)
that must never give a 5xx.
"""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_json, expect_status, fail

TOO_LONG = "B" * 61


def _expect_refused(response, attribute: str, what: str) -> None:
    """422 whose error list names ``attribute`` (messages differ slightly per version)."""
    __tracebackhide__ = True
    body = expect_json(expect_status(response, 422))
    errors = body.get("errors") if isinstance(body, dict) else None
    text = " ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
    if attribute not in text:
        fail(f"{what}: the 422 does not name {attribute}\nReceived: {body!r}", response)


@pytest.mark.requirement("CREATE-REJECTS-INVALID")
def test_field_rules_are_enforced(lc, data, dates):
    """Unknown sex code, names over 60 characters, itt_end_date not after itt_start_date: 422 each."""
    _expect_refused(lc.create(data.trainee("12", sex="07")), "sex", "sex '07'")
    for key in ("first_names", "last_name", "middle_names"):
        _expect_refused(lc.create(data.trainee("12", **{key: TOO_LONG})), key, f"{key} of 61 characters")
    body = data.trainee("12")
    body["itt_end_date"] = body["itt_start_date"]
    _expect_refused(lc.create(body), "itt_end_date", "itt_end_date equal to itt_start_date")
    created = lc.new_trainee("12")
    _expect_refused(lc.update(created["trainee_id"], {"sex": "07"}, method="PATCH"), "sex", "PATCH sex '07'")
    _expect_refused(lc.update(created["trainee_id"], {"itt_end_date": created["itt_start_date"]}, method="PATCH"),
                    "itt_end_date", "PATCH itt_end_date equal to itt_start_date")


@pytest.mark.requirement("ERR-409")
def test_duplicate_trainee_is_conflict(lc, data):
    """Creating the same trainee twice: 409 "This trainee is already in Register" with the match in data."""
    body = data.trainee("12")
    first = expect_json(expect_status(lc.create(body), 201))["data"]
    second = expect_status(lc.create(body), 409)
    got = expect_json(second)
    if got.get("errors") != [{"error": "Conflict", "message": "This trainee is already in Register"}]:
        fail(f"Unexpected 409 errors\nReceived: {got.get('errors')!r}", second)
    if first["trainee_id"] not in [t.get("trainee_id") for t in got.get("data") or []]:
        fail("the 409 data does not hold the existing trainee", second)


@pytest.mark.requirement("ROBUST-INPUT", "ERR-400")
def test_unusual_input_never_gives_a_server_error(lc, data):
    """Non-ASCII names are stored as sent; an over-long id is a 422; malformed JSON is a 400."""
    body = data.trainee("12", first_names="Zoë Ångström", middle_names="Łukasz")
    body["last_name"] = "Ó" + body["last_name"]
    created = expect_json(expect_status(lc.create(body), 201))["data"]
    stored = lc.trainee(created["trainee_id"])
    for key in ("first_names", "middle_names", "last_name"):
        if stored.get(key) != body[key]:
            fail(f"{key} is not stored as sent\nReceived: {stored.get(key)!r}\nExpected: {body[key]!r}")
    _expect_refused(lc.create(data.trainee("12", provider_trainee_id="P" * 51)), "provider_trainee_id",
                    "provider_trainee_id of 51 characters")
    response = lc.api.post("/trainees", content='{"data": {"first_names": ')
    got = expect_json(expect_status(response, 400))
    if not (isinstance(got.get("errors"), list) and len(got["errors"]) == 1 and isinstance(got["errors"][0], str)):
        fail(f"Unexpected 400 body\nReceived: {got!r}\nExpected: {{\"errors\": [\"<parser message>\"]}}", response)
