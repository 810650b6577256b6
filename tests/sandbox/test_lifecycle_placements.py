"""Placement endpoints over HTTP (lifecycle.md §4): linking, messages, address, PUT table, DELETE,
no limit/duplicates, ordering and check precedence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from register_sandbox import reference_data as ref

from .lifecycle_support import PARAM_MISSING, PLACEMENT, TRN_DELAY, Lifecycle, messages, not_found

PLACEMENT_KEYS = ["placement_id", "urn", "name", "postcode", "address", "created_at", "updated_at"]
POSTCODE_MSG = "postcode Enter a valid postcode (for example, BN1 1AA)"


@pytest.fixture(params=["v2025.0", "v2026.1"])
def lc(request: pytest.FixtureRequest, make_api: Callable[..., Any]) -> Lifecycle:
    return Lifecycle(make_api(trn_delay=TRN_DELAY), request.param)


def _post(lc: Lifecycle, t: str, data: dict[str, Any]) -> Any:
    return lc.call("POST", lc.url(t, "/placements"), {"data": data})


def test_linked_to_known_school(lc: Lifecycle) -> None:
    school = ref.schools()[0]
    t = lc.create(placements=0)
    r = _post(lc, t, {"urn": school["urn"], "name": "Ignored", "postcode": "NOPE"})
    assert r.status_code == 201, r.text
    placement = r.json()["data"]
    assert list(placement) == PLACEMENT_KEYS
    assert (placement["urn"], placement["name"], placement["postcode"], placement["address"]) == (
        school["urn"], school["name"], school["postcode"],
        f"URN {school['urn']}, {school['town']}, {school['postcode']}")
    assert "school_id" not in placement


@pytest.mark.parametrize(("data", "address"), [
    ({"urn": "987548", "name": "X", "postcode": "ZX6 8FZ"}, "URN 987548, ZX6 8FZ"),
    ({"urn": "137523", "name": "X"}, "URN 137523"),
    ({"name": "X", "postcode": "AB1 2CD"}, "AB1 2CD"),
    ({"name": "X"}, None),
    ({"urn": "900010", "name": "Abroad", "postcode": "BN1 1AA"}, None),
])
def test_unlinked_address(lc: Lifecycle, data: dict[str, Any], address: str | None) -> None:
    t = lc.create(placements=0)
    r = _post(lc, t, data)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["address"] == address
    assert r.json()["data"]["postcode"] == data.get("postcode")


@pytest.mark.parametrize(("data", "errors"), [
    ({"urn": None, "name": None, "postcode": None}, ["name can't be blank"]),
    ({"urn": "12345", "name": "X"}, ["urn is invalid"]),
    ({"urn": "900000"}, ["name can't be blank"]),
    ({"name": "X", "postcode": "not a postcode"}, [POSTCODE_MSG]),
    ({"urn": "abc", "postcode": "nope"}, ["urn is invalid", "name can't be blank", POSTCODE_MSG]),
    ({"ethnic_group": "x"}, ["name can't be blank"]),  # permitted on POST, then discarded
])
def test_validation(lc: Lifecycle, data: dict[str, Any], errors: list[str]) -> None:
    t = lc.create(placements=0)
    r = _post(lc, t, data)
    assert r.status_code == 422
    assert sorted(messages(r)) == sorted(errors)
    assert lc.trainee(t)["placements"] == []


def test_no_duplicate_check_and_no_limit(lc: Lifecycle) -> None:
    school = ref.schools()[0]
    t = lc.create(placements=0)
    for _ in range(4):
        assert _post(lc, t, {"urn": school["urn"]}).status_code == 201
    listed = lc.call("GET", lc.url(t, "/placements")).json()["data"]
    assert len(listed) == 4
    assert [p["created_at"] for p in listed] == sorted(p["created_at"] for p in listed)


def test_put_table(lc: Lifecycle) -> None:
    school, other = ref.schools()[0], ref.schools()[1]
    t = lc.create(placements=0)
    linked = _post(lc, t, {"urn": school["urn"]}).json()["data"]["placement_id"]
    plain = _post(lc, t, dict(PLACEMENT)).json()["data"]["placement_id"]
    url = lambda p: lc.url(t, f"/placements/{p}")  # noqa: E731

    r = lc.call("PUT", url(plain), {"data": {"postcode": "GU1 1AA"}})
    assert r.status_code == 200
    assert {k: r.json()["data"][k] for k in ("urn", "name", "postcode")} == {**PLACEMENT, "postcode": "GU1 1AA"}

    r = lc.call("PATCH", url(linked), {"data": {"postcode": "GU1 1AA"}})
    assert (r.status_code, messages(r)) == (422, ["name can't be blank"])

    r = lc.call("PATCH", url(linked), {"data": {"name": "X"}})
    assert r.status_code == 200
    assert {k: r.json()["data"][k] for k in ("urn", "name", "postcode", "address")} == {
        "urn": None, "name": "X", "postcode": None, "address": None}

    r = lc.call("PUT", url(linked), {"data": {"urn": other["urn"]}})
    assert (r.json()["data"]["urn"], r.json()["data"]["name"]) == (other["urn"], other["name"])

    r = lc.call("PUT", url(linked), {"data": {"urn": "654321", "name": "Y"}})
    assert {k: r.json()["data"][k] for k in ("urn", "name", "postcode", "address")} == {
        "urn": "654321", "name": "Y", "postcode": None, "address": "URN 654321"}

    r = lc.call("PUT", url(plain), {"data": {"urn": None, "name": None, "postcode": None}})
    assert (r.status_code, messages(r)) == (422, ["name can't be blank"])

    r = lc.call("PUT", url(plain), {"data": {"ethnic_group": "x"}})  # PUT permits only the 3 keys
    assert (r.status_code, r.json()) == (422, PARAM_MISSING)


def test_delete_returns_parent_trainee(lc: Lifecycle) -> None:
    t = lc.create(placements=1)
    placement_id = lc.first_placement(t)
    r = lc.call("DELETE", lc.url(t, f"/placements/{placement_id}"))
    assert r.status_code == 200
    assert r.json()["data"]["trainee_id"] == t
    assert r.json()["data"]["placements"] == []
    r = lc.call("GET", lc.url(t, f"/placements/{placement_id}"))
    assert (r.status_code, r.json()) == (404, not_found("Placement(s) not found"))


def test_not_found(lc: Lifecycle) -> None:
    t = lc.create(placements=0)
    other = lc.create(placements=1)
    foreign = lc.first_placement(other)
    for method in ("GET", "PUT", "DELETE"):
        r = lc.call(method, lc.url(t, f"/placements/{foreign}"), {"data": {"name": "X"}})
        assert (r.status_code, r.json()) == (404, not_found("Placement(s) not found")), method
    assert _post(lc, "nope", dict(PLACEMENT)).json() == not_found("Trainee(s) not found")


def test_create_precedence_differs_by_version(lc: Lifecycle) -> None:
    """v2025.0 checks the body before the trainee; v2026.1 looks the trainee up first."""
    r = lc.call("POST", lc.url("nope", "/placements"), {"data": {}})
    if lc.version == "v2025.0":
        assert (r.status_code, r.json()) == (422, PARAM_MISSING)
    else:
        assert (r.status_code, r.json()) == (404, not_found("Trainee(s) not found"))
