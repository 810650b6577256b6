"""GET /trainees details the mutation meta-tests showed untested: distinct pages, start-cycle scoping (core.md §7)."""

from __future__ import annotations

from datetime import date

import pytest

from register_conformance.expect import expect_json, expect_status, fail


@pytest.mark.requirement("LC-IDX-PAGINATION")
def test_pages_do_not_repeat(lc):
    """With per_page=1 pages 1 and 2 hold the first and second trainee of the full listing, not the same one."""
    first = lc.new_trainee("12")
    second = lc.update(lc.new_trainee("12")["trainee_id"], {"middle_names": "Paged"}, method="PATCH").json()["data"]
    since = min(first["updated_at"], second["updated_at"])
    full = [t["trainee_id"] for t in expect_json(expect_status(
        lc.index(since=since, sort_order="asc", per_page=100), 200))["data"]]
    pages = []
    for page in (1, 2):
        body = expect_json(expect_status(lc.index(since=since, sort_order="asc", per_page=1, page=page), 200))
        pages.extend(t["trainee_id"] for t in body["data"])
    if pages != full[:2]:
        fail(f"pages 1 and 2 (per_page=1) do not follow the full listing\nReceived: {pages}\nExpected: {full[:2]}")


@pytest.mark.requirement("IDX-CYCLE-SCOPE")
def test_index_is_scoped_to_the_start_cycle(lc, data, dates):
    """A trainee who started in the previous academic cycle is listed only with academic_cycle=<that year>."""
    previous = dates.cycle_start.year - 1
    start = date(previous, 9, 1)
    body = data.trainee("12", itt_start_date=start.isoformat(), itt_end_date=dates.end_for(start).isoformat())
    created = expect_json(expect_status(lc.create(body), 201))["data"]
    current = lc.new_trainee("12")
    since = min(created["updated_at"], current["updated_at"])
    default = lc.index_ids(since=since)
    if created["trainee_id"] in default or current["trainee_id"] not in default:
        fail(f"GET /trainees (current cycle) must list only the current cycle's trainee\nReceived: {default}\n"
             f"Expected: {current['trainee_id']} without {created['trainee_id']}")
    older = lc.index_ids(since=since, academic_cycle=str(previous))
    if created["trainee_id"] not in older or current["trainee_id"] in older:
        fail(f"GET /trainees?academic_cycle={previous} must list only that cycle's trainee\nReceived: {older}")
