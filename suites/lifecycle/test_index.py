"""GET /trainees around transitions: since, sort_order, page/per_page, 404 on empty, 422 filters (core.md §7)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_body, expect_status, fail
from register_conformance.lifecycle.error_bodies import expect_not_found
from register_conformance.lifecycle.facts import NO_TRAINEES_FOUND
from register_conformance.lifecycle.steps import step

FAR_FUTURE = "2099-01-01T00:00:00Z"


def _page(lc, **params) -> dict:
    __tracebackhide__ = True
    response = expect_status(lc.index(**params), 200)
    body = response.json()
    meta = body.get("meta") or {}
    if set(meta) != {"current_page", "total_pages", "total_count", "per_page"} or \
            not all(isinstance(v, int) for v in meta.values()):
        fail(f"Unexpected meta\nReceived: {meta!r}\nExpected: integer current_page, total_pages, total_count, "
             "per_page", response)
    return body


def _expect_sorted(body: dict, descending: bool, what: str) -> None:
    __tracebackhide__ = True
    stamps = [t["updated_at"] for t in body["data"]]
    if stamps != sorted(stamps, reverse=descending):
        fail(f"GET /trainees ({what}) is not sorted by updated_at {'descending' if descending else 'ascending'}\n"
             f"Received: {stamps}")


@pytest.mark.requirement("LC-IDX-SINCE", "LC-IDX-SORT", "LC-IDX-PAGINATION", "LC-IDX-EMPTY-404")
def test_index_since_sort_and_pages(lc):
    """Two trainees updated one after the other: since is inclusive, sort_order orders, pages hold one each."""
    first = lc.new_trainee("12")
    second = lc.new_trainee("12")
    first = lc.update(first["trainee_id"], {"middle_names": "First"}, method="PATCH").json()["data"]
    second = lc.update(second["trainee_id"], {"middle_names": "Second"}, method="PATCH").json()["data"]
    if not first["updated_at"] < second["updated_at"]:
        pytest.skip("both updates landed in the same millisecond; cannot order them")
    since = first["updated_at"]

    ids = {}
    for order in ("asc", "desc", None):
        with step("LC-IDX-SORT", f"GET /trainees?sort_order={order} orders by updated_at"):
            body = _page(lc, since=since, sort_order=order, per_page=100)
            listed = [t["trainee_id"] for t in body["data"]]
            _expect_sorted(body, order != "asc", f"sort_order={order}")
        with step("LC-IDX-SINCE", "since is inclusive: both trainees listed, none updated before it"):
            if any(t["updated_at"] < since for t in body["data"]):
                fail(f"GET /trainees?since={since} lists trainees updated before {since}")
            if first["trainee_id"] not in listed or second["trainee_id"] not in listed:
                fail(f"GET /trainees?since={since} (inclusive) must list both trainees\nReceived: {listed}")
        ids[order] = listed

    # since is inclusive: the second trainee is listed with since = its own updated_at
    with step("LC-IDX-SINCE", "since = a trainee's own updated_at lists it, and no trainee updated before"):
        latest = lc.index_ids(since=second["updated_at"])
        if second["trainee_id"] not in latest:
            fail(f"GET /trainees?since={second['updated_at']} omits the trainee updated at exactly that instant")
        if first["trainee_id"] in latest and lc.trainee(first["trainee_id"])["updated_at"] < second["updated_at"]:
            fail(f"GET /trainees?since={second['updated_at']} lists a trainee updated at {first['updated_at']}")

    with step("LC-IDX-PAGINATION", "per_page=1: one trainee per page, meta counts the pages"):
        page1 = _page(lc, since=since, sort_order="asc", per_page=1)
        meta = page1["meta"]
        if len(page1["data"]) != 1 or meta["per_page"] != 1 or meta["current_page"] != 1 \
                or meta["total_count"] < 2 or meta["total_pages"] != meta["total_count"]:
            fail(f"Unexpected first page with per_page=1\nReceived: meta {meta!r}, {len(page1['data'])} trainees")
        page2 = _page(lc, since=since, sort_order="asc", per_page=1, page=2)
        if len(page2["data"]) != 1 or page2["meta"]["current_page"] != 2 or \
                page2["data"][0]["updated_at"] < page1["data"][0]["updated_at"]:
            fail(f"Unexpected second page with per_page=1\nReceived: meta {page2['meta']!r}, "
                 f"{[t['updated_at'] for t in page2['data']]}")
    with step("LC-IDX-EMPTY-404", "a page past the end is 404 No trainees found"):
        expect_not_found(lc.index(since=since, per_page=1, page=meta["total_pages"] + 100000), NO_TRAINEES_FOUND)


@pytest.mark.nondestructive
@pytest.mark.requirement("LC-IDX-EMPTY-404")
def test_index_empty_is_404(lc):
    """Nothing updated since a future date: 404 No trainees found (not an empty list)."""
    expect_not_found(lc.index(since=FAR_FUTURE), NO_TRAINEES_FOUND)
    expect_not_found(lc.index(since=FAR_FUTURE, status="withdrawn", has_trn="true"), NO_TRAINEES_FOUND)


@pytest.mark.nondestructive
@pytest.mark.requirement("LC-IDX-INVALID-422")
def test_index_invalid_filters(lc):
    """Invalid status / since / academic_cycle: 422 with the object-shaped errors and the error count."""
    def failed(errors: dict) -> dict:
        n = sum(len(v) for v in errors.values())
        noun = "error" if n == 1 else "errors"
        return {"message": f"Validation failed: {n} {noun} prohibited this request being run", "errors": errors}

    cases = [
        ({"status": "invalid_state"}, {"status": ["invalid_state is not a valid status"]}),
        ({"since": "not-a-date"}, {"since": ["not-a-date is not a valid date"]}),
        ({"academic_cycle": "not-a-number"}, {"academic_cycle": ["not-a-number is not a valid academic cycle year"]}),
        ({"status": "graduated", "since": "yesterday"},
         {"status": ["graduated is not a valid status"], "since": ["yesterday is not a valid date"]}),
    ]
    for params, errors in cases:
        expect_body(expect_status(lc.index(**params), 422), failed(errors))
