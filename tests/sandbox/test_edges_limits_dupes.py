"""Asynchronous edges (lifecycle.md §1.4), rate limiting (core.md §4), duplicates (§14), defects."""

from __future__ import annotations

import pytest

from register_sandbox import defects

from .conftest import TOKEN_A, V26, Api, body

CONFLICT = {"error": "Conflict", "message": "This trainee is already in Register"}


def test_trn_arrives_after_the_delay(api: Api) -> None:
    t = api.create()
    api.clock.advance(1.9)
    assert api.get(f"{V26}/trainees/{t['trainee_id']}").json()["trn"] is None
    api.clock.advance(0.2)
    shown = api.get(f"{V26}/trainees/{t['trainee_id']}").json()
    assert shown["state"] == "trn_received" and len(shown["trn"]) == 7
    assert shown["updated_at"] > t["updated_at"]


def test_deferred_trainee_gets_trn_without_state_change(api: Api) -> None:
    t = api.create()
    api.set_state(t["trainee_id"], "deferred", defer_date="2026-11-01")
    api.clock.advance(3)
    shown = api.get(f"{V26}/trainees/{t['trainee_id']}").json()
    assert (shown["state"], len(shown["trn"])) == ("deferred", 7)


def test_award_edge(make_api) -> None:  # type: ignore[no-untyped-def]
    api = make_api(award_delay=5.0)
    t = api.create()
    api.clock.advance(3)
    store = api.sandbox.store
    row = store.get_trainee(1, t["trainee_id"])
    store.set_state(row, "recommended_for_award", outcome_date="2026-11-20",
                    recommended_for_award_at="2026-11-27T12:00:03Z")
    store.schedule_award(row)
    api.clock.advance(4)
    assert api.get(f"{V26}/trainees/{t['trainee_id']}").json()["state"] == "recommended_for_award"
    api.clock.advance(2)
    shown = api.get(f"{V26}/trainees/{t['trainee_id']}").json()
    assert (shown["state"], shown["awarded_at"]) == ("awarded", "2026-11-20T00:00:00.000Z")
    assert shown["recommended_for_award_at"] == "2026-11-27T12:00:03Z"


def test_rate_limit_429_plain_text_with_retry_after(make_api) -> None:  # type: ignore[no-untyped-def]
    api = make_api(rate_limit=(3, 60))
    assert api.get(f"{V26}/info").status_code == 200
    assert api.get(f"{V26}/info", token=None).status_code == 401  # counts too
    assert api.get(f"{V26}/reference-data?field=sex", token=None).status_code == 200
    r = api.get(f"{V26}/info")
    assert r.status_code == 429
    assert r.text == "Retry later\n" and r.headers["content-type"].startswith("text/plain")
    assert r.headers["retry-after"] == "60"  # the fake clock sits exactly on a window boundary
    api.clock.advance(59)
    assert api.get(f"{V26}/info").headers["retry-after"] == "1"
    api.clock.advance(1)
    assert api.get(f"{V26}/info").status_code == 200


def test_duplicate_is_409_with_matching_trainees(api: Api) -> None:
    first = api.create()
    r = api.post(f"{V26}/trainees", body(last_name="DOE", email="other@example.com"))
    assert r.status_code == 409
    assert r.json()["errors"] == [CONFLICT]
    assert [t["trainee_id"] for t in r.json()["data"]] == [first["trainee_id"]]
    r = api.post(f"{V26}/trainees", body(first_names="Jim", email="JOHN.DOE@example.com "), headers={
        "Enhanced-Errors": "true"})
    assert r.status_code == 409
    assert api.post(f"{V26}/trainees", body(first_names="Jim", email="jim@example.com")).status_code == 201
    assert api.post(f"{V26}/trainees", body(last_name="D_e", first_names="John!")).status_code == 409
    assert api.post(f"{V26}/trainees", body(date_of_birth="1990-01-02")).status_code == 201
    assert api.post(f"{V26}/trainees", body(itt_start_date="2025-09-01", itt_end_date="2026-07-01")).status_code == 201


def test_duplicates_ignore_deleted_and_other_providers(api: Api) -> None:
    first = api.create()
    assert api.post(f"{V26}/trainees", body(), token="token_provider_b").status_code == 201
    store = api.sandbox.store
    store.discard_trainee(store.get_trainee(1, first["trainee_id"]))
    assert api.post(f"{V26}/trainees", body()).status_code == 201


@pytest.mark.parametrize(("name", "check"), [
    ("auth-lowercase-bearer-accepted",
     lambda api: api.client.get(f"{V26}/info", headers={"Authorization": f"bearer {TOKEN_A}"}).status_code == 200),
    ("auth-401-wrong-body", lambda api: "errors" in api.get(f"{V26}/info", token=None).json()),
    ("index-empty-200", lambda api: api.get(f"{V26}/trainees").status_code == 200),
    ("create-status-200", lambda api: api.post(f"{V26}/trainees", body()).status_code == 200),
    ("show-wrapped-in-data", lambda api: "data" in api.get(
        f"{V26}/trainees/{api.post(f'{V26}/trainees', body()).json()['data']['trainee_id']}").json()),
])
def test_each_defect_changes_behaviour(make_api, name: str, check) -> None:  # type: ignore[no-untyped-def]
    assert check(make_api(defects=frozenset({name})))
    assert not check(make_api())


def test_defect_catalogue_is_consistent() -> None:
    names = [d.name for d in defects.CATALOGUE]
    assert len(names) == len(set(names))
    assert all(d.family and d.description for d in defects.CATALOGUE)
    with pytest.raises(defects.UnknownDefectError):
        defects.activate(["no-such-defect"])
    defects.activate([])
