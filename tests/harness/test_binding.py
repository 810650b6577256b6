"""The binder gives generated cases real ids and valid bodies, and leaves negative parts alone."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from register_conformance.binding import Binder
from register_conformance.client import ApiClient
from register_conformance.generation import Builder
from register_conformance.loader import load_schema


class FakeApi:
    """Just enough of the API to create trainees and degrees (ids are sequential)."""

    def __init__(self) -> None:
        self.created: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        n = len(self.created) + 1
        if request.method == "POST" and request.url.path.endswith("/trainees"):
            body = json.loads(request.content)["data"]
            trainee = {"trainee_id": f"t{n}", "state": "trn_received", "degrees": [{"degree_id": f"d{n}"}],
                       "placements": [{"placement_id": f"p{n}"}], **body}
            self.created.append(trainee)
            return httpx.Response(201, json={"data": trainee})
        if request.method == "POST" and request.url.path.endswith("/degrees"):
            self.created.append({"degree_id": f"d{n}"})
            return httpx.Response(201, json={"data": {"degree_id": f"d{n}"}})
        return httpx.Response(404, json={"errors": [{"error": "NotFound", "message": "Not found"}]})


@pytest.fixture(scope="module")
def schema():
    return load_schema("v2026.1", "http://t", token="tok")


@pytest.fixture
def binder():
    fake = FakeApi()
    api = ApiClient("http://t", "v2026.1", "tok", transport=httpx.MockTransport(fake))
    b = Binder(api, Builder("v2026.1", "unit", date(2026, 11, 27)), seed=1, trn_wait=0)
    b.fake = fake  # type: ignore[attr-defined]
    return b


def test_positive_case_gets_real_ids_and_a_valid_body(schema, binder) -> None:
    op = schema["/api/{api_version}/trainees/{trainee_id}/degrees/{degree_id}"]["DELETE"]
    case = op.Case(path_parameters={"api_version": "v2026.1", "trainee_id": "random", "degree_id": "random"})
    binder.bind(case)
    assert case.path_parameters["trainee_id"] == "t1"
    assert case.path_parameters["degree_id"] == "d2"  # DELETE uses up a fresh degree, not the shared one


def test_create_body_is_repaired(schema, binder) -> None:
    op = schema["/api/{api_version}/trainees"]["POST"]
    case = op.Case(path_parameters={"api_version": "v2026.1"}, body={"data": {"first_names": "Boundary" * 7 + "1234"}},
                   media_type="application/json")
    binder.bind(case)
    data = case.body["data"]
    assert data["first_names"] == "Boundary" * 7 + "1234"
    assert {"training_route", "itt_start_date", "hesa_id"} <= set(data)


def test_consuming_operations_release_their_trainee(schema, binder) -> None:
    op = schema["/api/{api_version}/trainees/{trainee_id}/withdraw"]["POST"]
    first = op.Case(path_parameters={"api_version": "v2026.1", "trainee_id": "x"})
    binder.bind(first)
    binder.after_response(first, 200, {"data": {"trainee_id": first.path_parameters["trainee_id"]}})
    second = op.Case(path_parameters={"api_version": "v2026.1", "trainee_id": "x"})
    binder.bind(second)
    assert first.path_parameters["trainee_id"] != second.path_parameters["trainee_id"]
    assert first.path_parameters["trainee_id"] in binder.seen_ids


def test_each_case_is_bound_once(schema, binder) -> None:
    case = schema["/api/{api_version}/info"]["GET"].Case(path_parameters={"api_version": "v2026.1"})
    assert binder.claim(case) and not binder.claim(case)
