"""GET /trainees (core.md §7) and GET /trainees/{id} (§8)."""

from __future__ import annotations

from .conftest import TOKEN_B, V25, V26, Api

NO_TRAINEES = {"errors": [{"error": "NotFound", "message": "No trainees found"}]}


def _ids(r) -> list[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    return [t["trainee_id"] for t in r.json()["data"]]


def test_empty_index_is_404(api: Api) -> None:
    r = api.get(f"{V26}/trainees")
    assert (r.status_code, r.json()) == (404, NO_TRAINEES)


def test_meta_pagination_and_page_sizes(api: Api) -> None:
    for i in range(3):
        api.create(last_name=f"Page{i}")
    r = api.get(f"{V26}/trainees")
    assert r.json()["meta"] == {"current_page": 1, "total_pages": 1, "total_count": 3, "per_page": 50}
    r = api.get(f"{V26}/trainees?per_page=2&page=2")
    assert r.json()["meta"] == {"current_page": 2, "total_pages": 2, "total_count": 3, "per_page": 2}
    assert len(r.json()["data"]) == 1
    assert api.get(f"{V26}/trainees?per_page=2&page=3").json() == NO_TRAINEES
    assert api.get(f"{V26}/trainees?per_page=0").status_code == 404
    assert api.get(f"{V26}/trainees?per_page=abc").status_code == 404
    assert api.get(f"{V26}/trainees?per_page=-1").json()["meta"]["per_page"] == 100
    assert api.get(f"{V26}/trainees?page=0").json()["meta"]["current_page"] == 1


def test_sort_order_and_tie_break(api: Api) -> None:
    first = api.create(last_name="A")["trainee_id"]
    second = api.create(last_name="B")["trainee_id"]  # same fake-clock instant: tie → newer first
    api.clock.advance(1)
    third = api.create(last_name="C")["trainee_id"]
    assert _ids(api.get(f"{V26}/trainees")) == [third, second, first]
    assert _ids(api.get(f"{V26}/trainees?sort_order=asc")) == [second, first, third]
    assert _ids(api.get(f"{V26}/trainees?sort_order=")) == [second, first, third]


def test_validation_errors_object_shape(api: Api) -> None:
    r = api.get(f"{V26}/trainees?status=invalid_state")
    assert r.status_code == 422
    assert r.json() == {"message": "Validation failed: 1 error prohibited this request being run",
                        "errors": {"status": ["invalid_state is not a valid status"]}}
    r = api.get(f"{V26}/trainees?academic_cycle=not-a-number&since=yesterday&sort_order=up")
    assert r.json() == {"message": "Validation failed: 3 errors prohibited this request being run",
                        "errors": {"academic_cycle": ["not-a-number is not a valid academic cycle year"],
                                   "since": ["yesterday is not a valid date"],
                                   "sort_order": ["is not included in the list"]}}


def test_cycle_scoping_since_and_status(api: Api) -> None:
    current = api.create()["trainee_id"]
    old = api.create(itt_start_date="2025-09-01", itt_end_date="2026-07-01", last_name="Old")["trainee_id"]
    assert _ids(api.get(f"{V26}/trainees")) == [current]
    assert _ids(api.get(f"{V26}/trainees?academic_cycle=2025")) == [old]
    assert _ids(api.get(f"{V26}/trainees?academic_cycle=2025abc")) == [old]
    assert api.get(f"{V26}/trainees?academic_cycle=2014").status_code == 422
    stamp = api.get(f"{V26}/trainees/{current}").json()["updated_at"]
    assert _ids(api.get(f"{V26}/trainees?since={stamp}")) == [current]  # inclusive
    api.clock.advance(1)
    assert api.get(f"{V26}/trainees?since=2026-11-27T12:00:00.001Z").status_code == 404
    assert _ids(api.get(f"{V26}/trainees?status=in_training")) == [current]
    assert api.get(f"{V26}/trainees?status=course_not_yet_started").status_code == 404
    future = api.create(itt_start_date="2027-01-05", itt_end_date="2028-01-05", last_name="Future")["trainee_id"]
    assert _ids(api.get(f"{V26}/trainees?status=course_not_yet_started")) == [future]
    api.set_state(current, "deferred")
    assert _ids(api.get(f"{V26}/trainees?status=deferred")) == [current]


def test_has_trn_semantics_and_drafts_excluded(api: Api) -> None:
    trainee = api.create()["trainee_id"]
    assert _ids(api.get(f"{V26}/trainees?has_trn=false")) == [trainee]
    assert _ids(api.get(f"{V26}/trainees?has_trn=yes")) == [trainee]
    assert api.get(f"{V26}/trainees?has_trn=true").status_code == 404
    api.clock.advance(2)
    assert _ids(api.get(f"{V26}/trainees?has_trn=true")) == [trainee]
    assert api.get(f"{V26}/trainees?has_trn=TRUE").status_code == 404
    assert _ids(api.get(f"{V26}/trainees?has_trn=")) == [trainee]
    api.set_state(trainee, "draft")
    assert api.get(f"{V26}/trainees").status_code == 404
    assert api.get(f"{V26}/trainees/{trainee}").status_code == 200  # show works for drafts


def test_show_is_unwrapped_and_versioned(api: Api) -> None:
    created = api.create()
    r = api.get(f"{V26}/trainees/{created['trainee_id']}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json; charset=utf-8"
    shown = r.json()
    assert "data" not in shown and shown["trainee_id"] == created["trainee_id"]
    assert shown == created
    old = api.get(f"{V25}/trainees/{created['trainee_id']}").json()
    assert old["course_subject_one"] == "100346" and "iqts_country" not in old and "withdraw_date" in old
    listed = api.get(f"{V26}/trainees").json()["data"][0]
    assert listed == shown
    assert api.get(f"{V26}/trainees/does-not-exist").json() == {
        "errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}
    assert api.get(f"{V26}/trainees", token=TOKEN_B).status_code == 404
