"""Body parsing, the data envelope and hostile input (core.md §2.3–§2.5): never a 5xx."""

from __future__ import annotations

import json

import pytest

from .conftest import TOKEN_A, V25, V26, Api, body

PARAM_MISSING = {"errors": ["Param is missing or the value is empty or invalid: data"]}


def _post_raw(api: Api, content: bytes | str, content_type: str = "application/json", path: str = f"{V26}/trainees"):
    return api.client.post(path, content=content, headers={"Authorization": TOKEN_A, "Content-Type": content_type})


@pytest.mark.parametrize("raw", ['{"data": ', "{'data': {}}", "[1,", '{"data": NaN}', "\xff\xfe"])
def test_malformed_json_is_400_with_one_string(api: Api, raw: str) -> None:
    r = _post_raw(api, raw.encode("latin-1") if raw.startswith("\xff") else raw)
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert isinstance(errors, list) and len(errors) == 1 and isinstance(errors[0], str)


@pytest.mark.parametrize("payload", [{}, {"data": None}, {"data": {}}, {"foo": {"bar": "Alice"}},
                                     {"data": {"unknown": 1}}, {"data": {"first_names": ["A"]}},
                                     {"data": "text"}, {"data": [1, 2]}, [1, 2], "text", 3])
def test_missing_or_empty_data_is_422_param_missing(api: Api, payload: object) -> None:
    r = _post_raw(api, json.dumps(payload))
    assert (r.status_code, r.json()) == (422, PARAM_MISSING)


def test_param_missing_is_not_enhanced(api: Api) -> None:
    r = api.post(f"{V26}/trainees", {"data": {}}, headers={"Enhanced-Errors": "true"})
    assert r.json() == PARAM_MISSING


def test_json_body_with_other_content_type_looks_like_missing_data(api: Api) -> None:
    r = _post_raw(api, json.dumps(body()), content_type="text/plain")
    assert (r.status_code, r.json()) == (422, PARAM_MISSING)


def test_form_encoded_bodies_are_parsed(api: Api) -> None:
    trainee = api.create()
    r = api.client.put(f"{V26}/trainees/{trainee['trainee_id']}", content="data[first_names]=Formy&data[x]=1",
                       headers={"Authorization": TOKEN_A, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["first_names"] == "Formy"


def test_body_over_the_cap_is_413_not_500(make_api) -> None:  # type: ignore[no-untyped-def]
    api = make_api(max_body_bytes=1000)
    r = _post_raw(api, json.dumps({"data": {"first_names": "x" * 5000}}))
    assert r.status_code == 413


def test_deep_nesting_and_odd_types_never_5xx(api: Api) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert _post_raw(api, deep).status_code in (400, 413, 422)
    deep_obj = '{"data":' * 5000 + "1" + "}" * 5000
    assert _post_raw(api, deep_obj).status_code in (400, 413, 422)
    weird = body(first_names=12, sex=10, course_year=True, date_of_birth=19900101, email=False, hesa_id=1234567890123,
                 study_mode=1.5, itt_aim=202, course_age_range=13918)
    r = api.post(f"{V26}/trainees", weird)
    assert r.status_code == 422
    assert "itt_aim has invalid reference data value of '202'. Valid values are '201', '202'." in r.json()["errors"]


def test_unicode_round_trips(api: Api) -> None:
    trainee = api.create(first_names="Zoë Ōsaka 李", last_name="Ñandú ☃")
    assert trainee["first_names"] == "Zoë Ōsaka 李"
    r = api.get(f"{V26}/trainees/{trainee['trainee_id']}")
    assert r.json()["last_name"] == "Ñandú ☃"


@pytest.mark.parametrize("query", ["page=99999999999999999999999", "per_page=99999999999999999999", "page=-5",
                                   "per_page=abc", "academic_cycle=9" * 50, "since=2026-13-45", "status=%00",
                                   "has_trn=%FF", "sort_order=ASC", "since=" + "9" * 400])
def test_absurd_query_values_never_5xx(api: Api, query: str) -> None:
    api.create()
    assert api.get(f"{V26}/trainees?{query}").status_code in (200, 404, 422)


def test_trailing_json_suffix_is_stripped(api: Api) -> None:
    trainee = api.create()
    r = api.get(f"{V26}/trainees/{trainee['trainee_id']}.json")
    assert r.status_code == 200
    assert api.get(f"{V25}/trainees/{trainee['trainee_id'].upper()}").status_code == 200
    assert api.get(f"{V26}/trainees.json").status_code == 200
    assert api.get(f"{V26}/info.json").status_code == 200


def test_hostile_form_bodies_never_5xx(api: Api) -> None:
    trainee = api.create()
    url = f"{V26}/trainees/{trainee['trainee_id']}"
    headers = {"Authorization": TOKEN_A, "Content-Type": "application/x-www-form-urlencoded"}
    deep = "data" + "[a]" * 5000 + "=1"
    many = "&".join(f"data[f{i}]=1" for i in range(20_000))
    odd = "data[first_names][]=x&data[[]=y&data]=z&data[disability1]=57&data[disability2]=57"
    for content in (deep, many, odd, "%ZZ=%%", "data[first_names]=%E2%98%83"):
        assert api.client.put(url, content=content, headers=headers).status_code in (200, 400, 422)


def test_form_arrays_follow_rails_nesting() -> None:
    from register_sandbox.bodies import parse_form

    parsed = parse_form(b"data[degrees_attributes][][subject]=1&data[degrees_attributes][][grade]=2"
                        b"&data[degrees_attributes][][subject]=3&data[reasons][]=a&data[reasons][]=b")
    assert parsed == {"data": {"degrees_attributes": [{"subject": "1", "grade": "2"}, {"subject": "3"}],
                               "reasons": ["a", "b"]}}
    assert parse_form(b"data[placements_attributes][0][urn]=1&data[placements_attributes][1][urn]=2") == {
        "data": {"placements_attributes": [{"urn": "1"}, {"urn": "2"}]}}
