"""Tests of the sandbox reference data (code lists) and its loader."""

from __future__ import annotations

import pytest

from register_sandbox import reference_data as rd

EXPECTED_COUNTS = {
    "country": 263,
    "course_age_range": 11,
    "course_subject": 72,
    "degree_subject": 1094,
    "institution": 588,
    "degree_grade": 16,
    "degree_type": 90,
    "disability": 12,
    "ethnicity": 22,
    "fund_code": 2,
    "funding_method": 9,
    "itt_aim": 2,
    "itt_qualification_aim": 11,
    "nationality": 223,
    "sex": 5,
    "study_mode": 5,
    "training_initiative": 5,
    "training_route": 14,
}


def test_fields_are_the_nineteen_documented_names() -> None:
    assert len(rd.REFERENCE_DATA_FIELDS) == 19
    assert rd.REFERENCE_DATA_FIELDS[0] == "country"
    assert rd.REFERENCE_DATA_FIELDS[-1] == "withdrawal_reasons"


@pytest.mark.parametrize(("field", "count"), sorted(EXPECTED_COUNTS.items()))
def test_payload_entry_counts(field: str, count: int) -> None:
    assert len(rd.payload(field)["entries"]) == count


def test_every_field_has_a_payload() -> None:
    payloads = rd.all_payloads()
    assert list(payloads) == list(rd.REFERENCE_DATA_FIELDS)
    for field in rd.CODE_LIST_FIELDS:
        assert payloads[field]["metadata"]["name"] == field
        assert payloads[field]["entries"]


def test_payload_shape_for_sex() -> None:
    payload = rd.payload("sex")
    assert payload["metadata"] == {"name": "sex", "display_name": "Sex", "description": ""}
    assert [e["code"] for e in payload["entries"]] == ["10", "11", "12", "96", "99"]
    assert all(set(e) == {"code", "display_name", "start_year", "end_year"} for e in payload["entries"])
    by_code = {e["code"]: e for e in payload["entries"]}
    assert by_code["96"]["display_name"] == "Information refused"
    assert by_code["99"]["display_name"] == "Not available"


def test_metadata_without_description_for_some_lists() -> None:
    for field in ("training_route", "training_initiative", "study_mode"):
        assert "description" not in rd.payload(field)["metadata"]
    assert all("source" not in rd.payload(f)["metadata"] for f in rd.CODE_LIST_FIELDS)


def test_training_route_12_starts_in_2022_and_includes_02() -> None:
    entries = {e["code"]: e for e in rd.payload("training_route")["entries"]}
    assert entries["12"]["start_year"] == 2022
    assert entries["12"]["end_year"] is None
    assert "02" in entries
    assert rd.route_name("12") == "provider_led_postgrad"
    assert rd.route_code("iqts") == "15"


def test_ethnicity_has_three_not_provided_codes() -> None:
    codes = [e["code"] for e in rd.payload("ethnicity")["entries"]]
    assert codes[-3:] == ["997", "998", "999"]


def test_inclusion_message_short_list() -> None:
    message = rd.inclusion_message("999", rd.codes("training_initiative"))
    assert message == ("has invalid reference data value of '999'. Valid values are '009', '011', '025', '026', '036'.")


def test_inclusion_message_long_list() -> None:
    assert rd.inclusion_message("00", rd.codes("training_route")) == (
        "has invalid reference data value of '00'. Example values include "
        "'02', '03', '09', '10', '11', '12', '14', '15', '16', '17'..."
    )
    assert rd.inclusion_message_for("country", "QQ").endswith("'AO', 'AR', 'AS'...")
    assert rd.inclusion_message_for("country", "QQ", "v2025.0").endswith("'AO', 'AI', 'XX'...")


def test_documented_example_tails() -> None:
    assert rd.codes("nationality")[:10] == ["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AT"]
    assert rd.codes("course_subject")[:3] == ["100048", "100050", "100061"]
    assert rd.codes("itt_qualification_aim")[:10][-1] == "031"
    assert rd.codes("degree_type")[:10] == ["001", "002", "003", "005", "007", "009", "010", "012", "013", "014"]


def test_lookups() -> None:
    assert rd.entry("sex", "10")["name"] == "female"
    assert rd.entry("sex", "13") is None
    assert rd.lookup_by_label("sex", "prefer not to say")["code"] == "96"
    assert rd.lookup_by_label("country", "bolivia")["code"] == "BO"
    assert rd.entry("country", "BO")["hesa_label"] == "Bolivia [Bolivia, Plurinational State of]"
    assert rd.entry("nationality", "GB")["name"] == "british"
    assert rd.age_range("13918") == (11, 16)


def test_course_subject_helpers() -> None:
    assert rd.course_subject_name("100346") == "biology"
    assert rd.course_subject_allocation("100346") == "Biology"
    assert rd.course_subject_allocation("100321") == "French"
    assert rd.course_subject_allocation("100511") == "Primary"
    assert rd.course_subject_name("000000") is None


def test_funding_rules_and_initiatives() -> None:
    rules = rd.funding_rules(2026)
    assert {
        "funding_type": "scholarship",
        "route": "provider_led_postgrad",
        "allocation_subjects": ["French", "German", "Spanish", "Chemistry", "Computing", "Physics"],
    } in rules
    funded_routes = {r["route"] for r in rules}
    assert "teacher_degree_apprenticeship" not in funded_routes
    assert "Physics" in rd.fund_code_exception_subjects(2025)
    assert rd.initiatives_available(2026) == [
        "now_teach",
        "veterans_teaching_undergraduate_bursary",
        "primary_mathematics_specialist",
    ]
    assert rd.initiatives_available(2019) == []
    assert rd.funding_type("D") == "bursary"


def test_withdrawal_reasons_payload() -> None:
    payload = rd.withdrawal_reasons_payload()
    assert payload["metadata"] == {"name": "withdrawal_reasons", "display_name": "Withdrawal reasons"}
    assert payload["triggers"] == ["provider", "trainee"]
    assert payload["future_interest"] == ["yes", "no", "unknown"]
    assert len(payload["entries"]) == 20
    first = payload["entries"][0]
    assert first == {
        "code": "record_added_in_error",
        "display_name": "This training record was added in error",
        "trigger": "provider",
        "requires_another_reason": False,
        "requires_safeguarding_concern_reasons": False,
    }
    assert rd.withdrawal_reason_codes("nonsense") == rd.withdrawal_reason_codes("trainee")


def test_fixture_schools_and_partners() -> None:
    assert len(rd.schools()) >= 20
    assert {"900000", "900010", "900020", "900030"} == rd.NOT_APPLICABLE_URNS
    assert rd.school("900000") is None
    school = rd.schools()[0]
    assert rd.school(school["urn"]) == school
    partner = rd.training_partners()[0]
    assert rd.training_partner_by_urn(partner["urn"]) == partner
    assert rd.training_partner_by_ukprn(partner["ukprn"]) == partner
    assert len(partner["ukprn"]) == 8


def test_payload_returns_a_copy() -> None:
    rd.payload("sex")["entries"].clear()
    assert len(rd.payload("sex")["entries"]) == 5
