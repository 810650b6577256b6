"""POST /trainees (core.md §9, §13, §16): pinned values, required fields, rules and both versions."""

from __future__ import annotations

import pytest

from .conftest import V25, V26, Api, body, body_2025

EMAIL_MSG = "email Enter an email address in the correct format, like name@example.com"


def _errors(api: Api, payload: dict, version: str = V26, enhanced: bool = False) -> list[str]:
    headers = {"Enhanced-Errors": "true"} if enhanced else {}
    r = api.post(f"{version}/trainees", payload, headers=headers)
    assert r.status_code == 422, r.text
    return r.json()["errors"]


def test_minimal_create_pins_documented_values(api: Api) -> None:
    r = api.post(f"{V26}/trainees", body(trn="1234567", state="awarded", ethnic_group="x"))
    assert r.status_code == 201
    assert "Location" not in r.headers
    t = r.json()["data"]
    assert t["state"] == "submitted_for_trn" and t["record_source"] == "api" and t["trn"] is None
    assert t["trainee_start_date"] == t["itt_start_date"] == "2026-08-01"
    assert (t["study_mode"], t["fund_code"], t["funding_method"]) == ("63", "2", "6")
    assert (t["course_min_age"], t["course_max_age"], t["course_education_phase"]) == (11, 16, "secondary")
    assert (t["ethnicity"], t["ethnic_group"], t["ethnic_background"]) == ("997", "not_provided_ethnic_group",
                                                                            "Not provided")
    assert t["nationality"] == "GB" and t["course_level"] == "undergrad" and t["course_qualification"] == "QTS"
    assert t["submitted_for_trn_at"].endswith("Z") and len(t["created_at"]) == 24
    assert len(t["trainee_id"]) == 24 and t["trainee_id"].isalnum()
    assert not any(k.startswith("applying_for") or k.startswith("_") for k in t)
    assert t["degrees"] == [] and t["placements"] == []
    assert t["ukprn"].isdigit() and len(t["ukprn"]) == 8
    assert t["course_year"] == 1


def test_required_fields_exact_17_messages(api: Api) -> None:
    errors = _errors(api, {"data": {"email": "invalid"}})
    assert sorted(errors) == sorted([
        "first_names can't be blank", "last_name can't be blank", "date_of_birth can't be blank",
        "sex can't be blank", "training_route can't be blank", "itt_start_date can't be blank",
        "itt_end_date can't be blank", "course_subject_1 can't be blank", "study_mode can't be blank",
        "hesa_id can't be blank", EMAIL_MSG, "itt_aim can't be blank",
        "itt_qualification_aim must be entered if 202 selected for itt_aim", "course_year can't be blank",
        "course_age_range can't be blank", "fund_code can't be blank", "funding_method can't be blank"])
    r = api.post(f"{V26}/trainees", {"data": {"email": "invalid"}})
    assert r.json()["message"] == "Validation failed: 17 errors prohibited this trainee from being saved"


def test_single_error_uses_singular_noun_and_enhanced_shape(api: Api) -> None:
    r = api.post(f"{V26}/trainees", body(first_names="x" * 61))
    assert r.json() == {"message": "Validation failed: 1 error prohibited this trainee from being saved",
                        "errors": ["first_names is too long (maximum is 60 characters)"]}
    r = api.post(f"{V26}/trainees", body(first_names="x" * 61, email="bad"), headers={"Enhanced-Errors": "true"})
    assert r.json()["errors"] == {"first_names": ["is too long (maximum is 60 characters)"],
                                  "email": ["Enter an email address in the correct format, like name@example.com"]}
    r = api.post(f"{V26}/trainees", body(email="bad"), headers={"Enhanced-Errors": "True"})
    assert isinstance(r.json()["errors"], list)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"hesa_id": "123"}, "hesa_id must be 13 or 17 characters"),
    ({"date_of_birth": "2030-01-01"}, "date_of_birth must be in the past"),
    ({"date_of_birth": "2015-01-01"}, "date_of_birth cannot be less than 16 years ago"),
    ({"date_of_birth": "1900-01-01"}, "date_of_birth is invalid"),
    ({"date_of_birth": "2023-02-30"}, "date_of_birth is invalid"),
    ({"itt_start_date": "2028-09-01", "itt_end_date": "2029-09-01"},
     "itt_start_date must not be more than one year in the future"),
    ({"itt_end_date": "2026-07-01"}, "itt_end_date must be after itt_start_date"),
    ({"itt_end_date": "2032-01-01"}, "itt_end_date must be within the next 5 years"),
    ({"trainee_start_date": "2026-12-25"}, "trainee_start_date must be in the past"),
    ({"sex": "1"}, "sex has invalid reference data value of '1'. Valid values are '10', '11', '12', '96', '99'."),
    ({"study_mode": 1}, "study_mode has invalid reference data value of '1'. Valid values are '01', '02', '31', "
                        "'63', '64'."),
    ({"training_route": "02"}, "training_route has invalid reference data value of 'school_direct_tuition_fee'. "
                               "Example values include '03', '09', '10', '11', '12', '14', '15', '16', '17', '18'..."),
    ({"training_route": "99"}, "training_route has invalid reference data value of '99'. Example values include "
                               "'03', '09', '10', '11', '12', '14', '15', '16', '17', '18'..."),
    ({"course_age_range": "13914"}, "course_subject_1 is invalid. It should be `100511` for the course_age_range "
                                    "provided"),
    ({"course_age_range": "13920"}, "course_age_range is invalid. It can only be used for early years training "
                                    "routes"),
    ({"course_subject_2": "100346"}, "course_subject_2 might contain duplicate values"),
    ({"course_year": "abc"}, "course_year is not a valid course year"),
    ({"itt_aim": "201", "itt_qualification_aim": "999"},
     "itt_qualification_aim has invalid reference data value of '999'. Example values include '001', '002', '003', "
     "'004', '007', '008', '020', '021', '028', '031'..."),
    ({"training_initiative": "025"}, "training_initiative 'transition_to_teach' is not available in academic cycle "
                                     "'2026 to 2027'"),
    ({"iqts_country": "JP"}, "iqts_country must be blank"),
    ({"training_partner_urn": "123456"}, "training_partner_urn is invalid. The URN '123456' does not match any known "
                                         "training partners"),
    ({"training_partner_ukprn": "99999999"}, "training_partner_ukprn is invalid. The UKPRN '99999999' does not match "
                                             "any known training partners"),
    ({"employing_school_urn": "123456"}, "employing_school_id is invalid. The URN '123456' does not match any known "
                                         "schools"),
    ({"disability1": "57", "disability2": "57"}, "disabilities contain duplicate values"),
    ({"training_route": "12"}, "degrees_attributes must be entered if specifying a postgraduate training_route"),
    ({"fund_code": "7", "training_route": "14"}, "fund_code is not valid for this trainee"),
    ({"email": "a" * 250 + "@example.com"}, "email is too long (maximum is 255 characters)"),
])
def test_field_rules_v2026(api: Api, overrides: dict, message: str) -> None:
    assert message in _errors(api, body(**overrides))


def test_funding_rules_from_the_pinned_examples(api: Api) -> None:
    maths = {"course_subject_1": "100403", "fund_code": "7"}
    for method in ("D", "B", "C", "7", "8", "9"):
        r = api.post(f"{V26}/trainees", body(**maths, funding_method=method, last_name=f"M{method}"))
        assert r.status_code == 201, (method, r.text)
    errors = _errors(api, body(course_subject_1="100403", fund_code="2", funding_method="D"))
    assert "funding_method 'bursary' is not allowed when fund_code is '2' and course_subject_1 is 'mathematics'" \
        in errors
    degree = {"degrees_attributes": [{"subject": "100425", "uk_degree": "083", "grade": "02", "graduation_year": 2020,
                                      "institution": "0117"}]}
    r = api.post(f"{V26}/trainees", {"data": {**body(training_route="12", course_subject_1="100425", fund_code="7",
                                                     funding_method="4", last_name="Phys")["data"], **degree}})
    assert r.status_code == 201, r.text
    assert len(r.json()["data"]["degrees"]) == 1
    errors = _errors(api, {"data": {**body(training_route="12", course_subject_1="100497", fund_code="7",
                                           funding_method="4")["data"], **degree}})
    assert any(e.startswith("funding_method 'scholarship' is not allowed when training_route is "
                            "'provider_led_postgrad' and course_subject_1 is") for e in errors)


def test_c_funding_method_sets_veterans_initiative_without_code(api: Api) -> None:
    t = api.create(course_subject_1="100403", fund_code="7", funding_method="C")
    assert t["training_initiative"] is None and t["funding_method"] == "C"


def test_disabilities_and_diversity(api: Api) -> None:
    t = api.create(disability1="57", disability2="58", ethnicity="120")
    assert (t["disability1"], t["disability2"], t["disability_disclosure"]) == ("57", "58", "disabled")
    assert (t["ethnic_group"], t["diversity_disclosure"]) == ("black_ethnic_group", "diversity_disclosed")
    t = api.create(disability1="95", last_name="Other")
    assert (t["disability1"], t["disability_disclosure"]) == ("95", "no_disability")


def test_early_years_rules_v2026(api: Api) -> None:
    ey = {"training_route": "18", "course_subject_1": "100510", "course_age_range": "13920"}
    t = api.create(**ey)
    assert (t["course_education_phase"], t["course_qualification"]) == ("early_years", "EYTS")
    errors = _errors(api, body(**{**ey, "course_subject_1": "100346", "course_age_range": "13918"}))
    assert "course_subject_1 is invalid. It should be `100510` for the training_route provided" in errors
    assert "course_age_range is invalid. It should be `13920` for the training_route provided" in errors


def test_study_mode_optional_for_assessment_only_and_iqts_country(api: Api) -> None:
    degree = [{"subject": "100425", "uk_degree": "083", "grade": "02", "graduation_year": 2020}]
    r = api.post(f"{V26}/trainees", body(training_route="16", study_mode=None, degrees_attributes=degree))
    assert r.status_code == 201, r.text
    errors = _errors(api, body(training_route="15", degrees_attributes=degree))
    assert "iqts_country can't be blank" in errors
    r = api.post(f"{V26}/trainees", body(training_route="15", iqts_country="JP", degrees_attributes=degree,
                                         last_name="Iqts"))
    assert r.status_code == 201 and r.json()["data"]["iqts_country"] == "JP"


def test_nested_errors_default_and_enhanced(api: Api) -> None:
    payload = body(training_route="12", degrees_attributes=[{"graduation_year": 2020, "uk_degree": "083",
                                                              "grade": "02"}],
                   placements_attributes=[{"name": None}])
    errors = _errors(api, payload)
    assert "placements_attributes name can't be blank" in errors
    assert "subject must be entered if specifying a previous UK degree or non-UK degree" in errors
    enhanced = _errors(api, payload, enhanced=True)
    assert enhanced["placements_attributes"] == {"name": ["can't be blank"]}
    assert enhanced["degrees_attributes"] == {
        "subject": ["must be entered if specifying a previous UK degree or non-UK degree"]}
    flat = _errors(api, body_2025(training_route="12", placements_attributes=[{"name": None}],
                                  degrees_attributes=[{"graduation_year": 2020, "uk_degree": "083", "grade": "02"}]),
                   version=V25, enhanced=True)
    assert flat["placements_attributes"] == ["name can't be blank"]
    assert "subject" in flat


def test_v2025_differences(api: Api) -> None:
    r = api.post(f"{V25}/trainees", body_2025(training_route="02", course_subject_1="100346", course_age_range="13918",
                                              degrees_attributes=[{"subject": "100425", "uk_degree": "083",
                                                                   "grade": "02", "graduation_year": 2020}]))
    assert r.status_code == 201, r.text
    t = r.json()["data"]
    assert "course_subject_one" in t and "course_subject_1" not in t and "iqts_country" not in t
    assert "lead_partner_urn" in t and "withdraw_date" in t and "withdraw_reasons" in t
    errors = _errors(api, body_2025(training_route="16"), version=V25)
    assert "training_route has invalid reference data value of 'assessment_only'. Valid values are '02', '03', " \
           "'09', '10', '11', '12', '14'." in errors
    t = api.create(V25, course_age_range="13914", course_subject_1="100346", course_subject_2="100425",
                   last_name="Primary")
    assert (t["course_subject_one"], t["course_subject_two"], t["course_subject_three"]) == (
        "100511", "100346", "100425")
    errors = _errors(api, body_2025(course_subject_2="100346"), version=V25)
    assert "course_subject_two might contain duplicate values" in errors
    errors = _errors(api, body_2025(lead_partner_urn="123456"), version=V25)
    assert "lead_partner_id is invalid. The URN '123456' does not match any known lead partners" in errors
    t = api.create(V25, course_year="abc", last_name="Year", iqts_country="JP")
    assert t["course_year"] is None


def test_training_partner_and_school_linking(api: Api) -> None:
    t = api.create(training_partner_urn="200001", employing_school_urn="100001")
    assert (t["training_partner_urn"], t["training_partner_ukprn"]) == ("200001", "10090001")
    assert t["employing_school_urn"] == "100001"
    t = api.create(training_partner_urn="900000", training_partner_ukprn="nonsense", last_name="NA")
    assert t["training_partner_urn"] is None
    t = api.create(training_partner_ukprn="10090002", last_name="Ukprn")
    assert t["training_partner_urn"] == "200002"
