"""Bodies the suite builds are valid against the overlaid request schemas and the date rules."""

from __future__ import annotations

import random
from datetime import date

import jsonschema
import pytest

from register_conformance.cycle import CycleDates
from register_conformance.generation import Builder
from register_conformance.overlay import load_overlaid
from register_conformance.schema_checks import NegativePolicy

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module", params=["v2025.0", "v2026.1"])
def version_root(request):
    return request.param, NegativePolicy(load_overlaid(request.param)).root


def _validator(root, ref: str):
    return jsonschema.Draft4Validator({"$ref": ref}, resolver=jsonschema.RefResolver.from_schema(root),
                                      format_checker=jsonschema.FormatChecker())


def test_cycle_dates() -> None:
    assert CycleDates(TODAY).cycle_start == date(2026, 8, 1)
    assert CycleDates(date(2027, 3, 1)).cycle_start == date(2026, 8, 1)
    assert CycleDates(TODAY).started == date(2026, 9, 1)
    assert CycleDates(date(2026, 8, 10)).started == date(2026, 8, 10)  # never in the future


@pytest.mark.parametrize(("today", "start", "end"), [
    (date(2027, 7, 31), date(2026, 9, 1), date(2027, 7, 31)),   # last day of a cycle
    (date(2027, 8, 1), date(2027, 8, 1), date(2028, 7, 31)),    # first day of the next
    (date(2026, 12, 31), date(2026, 9, 1), date(2027, 7, 31)),  # last day of a year
    (date(2028, 2, 29), date(2027, 9, 1), date(2028, 7, 31)),   # leap day
])
def test_cycle_dates_around_boundaries(today: date, start: date, end: date) -> None:
    dates = CycleDates(today)
    assert (dates.started, dates.end_for(dates.started), dates.cycle_end) == (start, end, end)
    assert dates.cycle_start <= dates.started <= today
    assert dates.future_start > today and dates.cycle_of(dates.future_start) in (dates.cycle_start.year,
                                                                                  dates.cycle_start.year + 1)


def test_trainees_are_schema_valid_and_follow_cross_field_rules(version_root) -> None:
    version, root = version_root
    builder = Builder(version, "run-1", TODAY)
    rnd = random.Random(1)
    validator = _validator(root, "#/components/schemas/TraineeCreateBody")
    s1 = builder.subject_keys[0]
    for _ in range(200):
        body = builder.trainee(rnd)
        assert not list(validator.iter_errors({"data": body})), body
        route = body["training_route"]
        undergrad = route in ("11", "09", "14", "18")
        assert undergrad or body.get("degrees_attributes"), "postgraduate routes need a degree"
        assert (route == "15") == ("iqts_country" in body)
        if route in ("18", "19", "20"):
            assert body["course_age_range"] == "13920" and body[s1] == "100510"
        if body["fund_code"] == "7":
            assert body["funding_method"] != "6"
        assert body["itt_start_date"] <= TODAY.isoformat() < body["itt_end_date"]
        assert "run1" in body["last_name"] and "run1" in body["email"]


def test_other_bodies_are_schema_valid(version_root) -> None:
    version, root = version_root
    builder = Builder(version, "r", TODAY)
    rnd = random.Random(2)
    withdraw = builder.withdraw(rnd)
    assert builder.withdraw_date_key in withdraw
    for ref, body in [("DegreeCreateBody", builder.degree(rnd)), ("PlacementBody", builder.placement(rnd)),
                      ("DeferBody", builder.defer(rnd)), ("RecommendBody", builder.recommend(rnd)),
                      ("WithdrawBody", withdraw)]:
        assert not list(_validator(root, f"#/components/schemas/{ref}").iter_errors({"data": body})), (ref, body)


def test_repairs_keep_valid_generated_text() -> None:
    builder = Builder("v2026.1", "r", TODAY)
    rnd = random.Random(3)
    body = builder.repair_create({"data": {"first_names": "X" * 60, "middle_names": "", "training_route": "15"}}, rnd)
    assert body["data"]["first_names"] == "X" * 60  # boundary value kept
    assert body["data"].get("middle_names") != ""  # blank replaced
    update = builder.repair_update({"data": {"last_name": "Ünïcode", "training_route": "15", "sex": "10"}}, rnd)
    assert update == {"data": {"last_name": "Ünïcode", "sex": "10"}}
