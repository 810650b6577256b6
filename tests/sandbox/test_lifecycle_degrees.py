"""Degree endpoints over HTTP (lifecycle.md §3): shape, mapping quirks, validation, duplicates,
PUT/PATCH partial semantics, DELETE, ordering, side effects and check precedence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import TOKEN_B
from .lifecycle_support import (
    AWARD_DELAY,
    DEGREE,
    PARAM_MISSING,
    STE,
    TRN_DELAY,
    Lifecycle,
    messages,
    not_found,
)

DEGREE_KEYS = ["degree_id", "uk_degree", "non_uk_degree", "subject", "institution", "graduation_year", "grade",
               "country", "other_grade", "institution_uuid", "uk_degree_uuid", "subject_uuid", "grade_uuid",
               "created_at", "updated_at"]
VERSIONS = ["v2025.0", "v2026.1"]


@pytest.fixture(params=VERSIONS)
def lc(request: pytest.FixtureRequest, make_api: Callable[..., Any]) -> Lifecycle:
    return Lifecycle(make_api(trn_delay=TRN_DELAY, award_delay=AWARD_DELAY), request.param)


def _post(lc: Lifecycle, t: str, data: Any) -> Any:
    return lc.call("POST", lc.url(t, "/degrees"), data if data is None or "data" in data else {"data": data})


def test_create_returns_single_object_with_15_keys(lc: Lifecycle) -> None:
    t = lc.create()
    r = _post(lc, t, {**DEGREE, "graduation_year": "2012-06-30", "locale_code": "uk", "foo": 1})
    assert r.status_code == 201, r.text
    degree = r.json()["data"]
    assert list(degree) == DEGREE_KEYS
    assert degree["graduation_year"] == 2012
    assert (degree["uk_degree"], degree["subject"], degree["grade"], degree["institution"]) == (
        "051", "100425", "02", "0001")
    assert degree["country"] is None and degree["non_uk_degree"] is None
    assert degree["created_at"].endswith(".000Z")
    shown = lc.call("GET", lc.url(t, f"/degrees/{degree['degree_id']}")).json()
    assert shown == {"data": degree}


def test_quirks_grade_09_and_missing_institution(lc: Lifecycle) -> None:
    t = lc.create()
    no_institution = {k: v for k, v in DEGREE.items() if k != "institution"}
    degree = _post(lc, t, {**no_institution, "grade": "09", "graduation_year": 2010}).json()["data"]
    assert degree["grade"] == "14"
    assert degree["institution"] is None
    assert degree["institution_uuid"] == "02132969-f5bc-47ca-be9c-b6f6d5b05e1b"


def test_non_uk_degree(lc: Lifecycle) -> None:
    t = lc.create()
    r = _post(lc, t, {"subject": "100425", "graduation_year": 2011, "non_uk_degree": "051", "country": "BO"})
    assert r.status_code == 201, r.text
    degree = r.json()["data"]
    assert (degree["country"], degree["non_uk_degree"], degree["institution"], degree["uk_degree"]) == (
        "BO", "051", None, None)
    assert degree["uk_degree_uuid"] is None and degree["institution_uuid"] is None


def test_validation_messages_spec_example(lc: Lifecycle) -> None:
    t = lc.create()
    year = lc.api.clock().year + 2
    r = _post(lc, t, {"grade": "First", "subject": "Practical Magic", "graduation_year": year,
                      "uk_degree": "Bachelor of Arts", "institution": "University of Oxford", "country": "France"})
    assert r.status_code == 422
    examples = ("'002', '010', '013', '014', '051', '052', '053', '054', '055', '056'" if lc.version == "v2025.0"
                else "'001', '002', '003', '005', '007', '009', '010', '012', '013', '014'")
    assert sorted(messages(r)) == sorted([
        "graduation_year must be in the past, for example 2014",
        "graduation_year is invalid",
        "subject must be entered if specifying a previous UK degree or non-UK degree",
        f"uk_degree has invalid reference data value of 'Bachelor of Arts'. Example values include {examples}...",
        "grade must be entered if specifying a previous UK degree or non-UK degree",
    ])
    assert {e["error"] for e in r.json()["errors"]} == {"UnprocessableEntity"}
    assert len(lc.trainee(t)["degrees"]) == 1  # nothing saved


@pytest.mark.parametrize("payload", [None, {}, {"data": {}}, {"data": {"foo": "bar"}}, {"foo": {"bar": "Alice"}},
                                     {"data": "text"}])
def test_param_missing(lc: Lifecycle, payload: Any) -> None:
    t = lc.create()
    r = lc.call("POST", lc.url(t, "/degrees"), payload)
    assert (r.status_code, r.json()) == (422, PARAM_MISSING)
    r = lc.call("PUT", lc.url(t, f"/degrees/{lc.first_degree(t)}"), payload)
    assert (r.status_code, r.json()) == (422, PARAM_MISSING)


def test_duplicates(lc: Lifecycle) -> None:
    """L18/L19: same codes → 409 listing the existing degree; institution is not compared."""
    t = lc.create(route="11")  # undergraduate route: no degree at create
    first = _post(lc, t, {**DEGREE, "graduation_year": 2010}).json()["data"]
    r = _post(lc, t, {**DEGREE, "graduation_year": 2010})
    assert r.status_code == 409
    assert r.json() == {"errors": [{"error": "Conflict", "message": "This is a duplicate degree"}], "data": [first]}
    assert _post(lc, t, {**DEGREE, "graduation_year": 2010, "institution": "ZZZZ"}).status_code == 409
    # a candidate without grade matches any grade; 409 beats other validation errors
    no_grade = {k: v for k, v in DEGREE.items() if k != "grade"}
    r = _post(lc, t, {**no_grade, "graduation_year": 2010})
    assert r.status_code == 409
    assert len(r.json()["errors"]) == 1
    assert _post(lc, t, {**DEGREE, "graduation_year": 2010, "grade": "01"}).status_code == 201
    assert len(lc.trainee(t)["degrees"]) == 2


def test_put_and_patch_are_partial(lc: Lifecycle) -> None:
    t = lc.create()
    degree = lc.call("GET", lc.url(t, "/degrees")).json()["data"][0]
    for method, grade in (("PUT", "01"), ("PATCH", "03")):
        r = lc.call(method, lc.url(t, f"/degrees/{degree['degree_id']}"), {"data": {"grade": grade}})
        assert r.status_code == 200, r.text
        updated = r.json()["data"]
        assert updated["grade"] == grade
        assert updated["grade_uuid"] == degree["grade_uuid"]  # uuid keys are not refreshed
        assert {k: updated[k] for k in ("subject", "uk_degree", "institution", "graduation_year")} == {
            k: degree[k] for k in ("subject", "uk_degree", "institution", "graduation_year")}
    # switch to non-UK and back
    url = lc.url(t, f"/degrees/{degree['degree_id']}")
    non_uk = lc.call("PATCH", url, {"data": {"non_uk_degree": "097", "country": "MX"}}).json()["data"]
    assert (non_uk["country"], non_uk["non_uk_degree"], non_uk["uk_degree"], non_uk["uk_degree_uuid"]) == (
        "MX", "097", None, None)
    assert non_uk["institution"] == "0001"  # kept
    back = lc.call("PATCH", url, {"data": {"uk_degree": "051"}}).json()["data"]
    assert (back["country"], back["non_uk_degree"], back["uk_degree"]) == (None, None, "051")


def test_put_validates_merged_record(lc: Lifecycle) -> None:
    t = lc.create()
    url = lc.url(t, f"/degrees/{lc.first_degree(t)}")
    r = lc.call("PUT", url, {"data": {"grade": "Lower second-class honours (2:2)"}})
    assert (r.status_code, messages(r)) == (
        422, ["grade must be entered if specifying a previous UK degree or non-UK degree"])


def test_put_duplicate_excludes_self_but_not_siblings(lc: Lifecycle) -> None:
    t = lc.create()
    other = _post(lc, t, {**DEGREE, "graduation_year": 2018}).json()["data"]
    url = lc.url(t, f"/degrees/{lc.first_degree(t)}")
    assert lc.call("PUT", url, {"data": {"graduation_year": 2015}}).status_code == 200
    r = lc.call("PUT", url, {"data": {"graduation_year": 2018}})
    assert r.status_code == 409
    assert r.json()["data"] == [other]


def test_delete_returns_parent_trainee(lc: Lifecycle) -> None:
    t = lc.create()
    degree_id = lc.first_degree(t)
    r = lc.call("DELETE", lc.url(t, f"/degrees/{degree_id}"))
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["trainee_id"] == t and data["degrees"] == []
    assert lc.call("GET", lc.url(t, f"/degrees/{degree_id}")).json() == not_found("Degree(s) not found")


def test_ordering_by_graduation_year(lc: Lifecycle) -> None:
    t = lc.create()  # 2015
    for year in (2019, 2001, 2010):
        assert _post(lc, t, {**DEGREE, "graduation_year": year}).status_code == 201
    years = [d["graduation_year"] for d in lc.call("GET", lc.url(t, "/degrees")).json()["data"]]
    assert years == [2001, 2010, 2015, 2019]
    assert [d["graduation_year"] for d in lc.trainee(t)["degrees"]] == years


def test_degree_writes_bump_trainee_updated_at(lc: Lifecycle) -> None:
    t = lc.create()
    before = lc.trainee(t)["updated_at"]
    lc.api.clock.advance(5)
    assert _post(lc, t, {**DEGREE, "graduation_year": 2001}).status_code == 201
    after_post = lc.trainee(t)["updated_at"]
    assert after_post > before
    lc.api.clock.advance(5)
    lc.call("PATCH", lc.url(t, f"/degrees/{lc.first_degree(t)}"), {"data": {"grade": "01"}})
    assert lc.trainee(t)["updated_at"] > after_post


def test_not_found_and_scoping(lc: Lifecycle) -> None:
    t = lc.create()
    other = lc.create()
    foreign = lc.first_degree(other)
    assert lc.call("GET", lc.url("nope", "/degrees")).json() == not_found("Trainee(s) not found")
    assert lc.call("GET", lc.url(t, "/degrees"), token=TOKEN_B).json() == not_found("Trainee(s) not found")
    for method in ("GET", "PATCH", "DELETE"):
        r = lc.call(method, lc.url(t, f"/degrees/{foreign}"), {"data": {"grade": "01"}})
        assert (r.status_code, r.json()) == (404, not_found("Degree(s) not found")), method
    r = _post(lc, "nope", {**DEGREE})
    assert (r.status_code, r.json()) == (404, not_found("Trainee(s) not found"))


def test_ids_are_case_insensitive(lc: Lifecycle) -> None:
    t = lc.create()
    degree_id = lc.first_degree(t)
    assert lc.call("GET", lc.url(t.upper(), f"/degrees/{degree_id.upper()}")).status_code == 200


def test_precedence_404_trainee_before_param_missing(lc: Lifecycle) -> None:
    r = lc.call("POST", lc.url("nope", "/degrees"), {"data": {}})
    assert r.status_code == 404


def test_precedence_lock_before_404_degree(make_api: Callable[..., Any]) -> None:
    """§2.3: for an awarded trainee in v2026.1, PUT …/degrees/does-not-exist answers STE, not 404."""
    api = make_api(trn_delay=TRN_DELAY, award_delay=AWARD_DELAY)
    v26, v25 = Lifecycle(api, "v2026.1"), Lifecycle(api, "v2025.0")
    t = v26.reach("awarded")
    assert (v26.call("PUT", v26.url(t, "/degrees/does-not-exist"), {}).json()) == STE
    assert v26.call("POST", v26.url(t, "/degrees"), {}).json() == STE  # STE before param-missing
    assert v25.call("PUT", v25.url(t, "/degrees/does-not-exist"), {}).json() == not_found("Degree(s) not found")


def test_v2025_label_matches_in_v2026_duplicate_check(make_api: Callable[..., Any]) -> None:
    api = make_api()
    v25, v26 = Lifecycle(api, "v2025.0"), Lifecycle(api, "v2026.1")
    t = v25.create()
    non_uk = {"subject": "100425", "graduation_year": 2011, "non_uk_degree": "051", "country": "BO"}
    assert _post(v25, t, non_uk).status_code == 201
    r = _post(v26, t, non_uk)
    assert r.status_code == 409
    assert r.json()["data"][0]["country"] == "BO"
