"""Unit tests of the pure lifecycle rules: degree mapping/validation/duplicates, placements,
withdraw, defer and recommend validation (lifecycle.md §3–§7)."""

from __future__ import annotations

from datetime import date

import pytest

from register_sandbox import reference_data as ref
from register_sandbox.lifecycle import degrees, placements, transitions

TODAY = date(2026, 11, 27)
V25, V26 = "v2025.0", "v2026.1"
UK = {"subject": "100425", "graduation_year": "2015", "uk_degree": "051", "grade": "02", "institution": "0001"}


def _data(body: dict, version: str = V26) -> dict:
    return degrees.to_data(degrees.map_input(body, version))


# --- degrees: mapping ---------------------------------------------------------------------------


def test_uk_degree_round_trip() -> None:
    data = _data(UK)
    assert {k: data[k] for k in ("subject", "uk_degree", "grade", "institution", "graduation_year", "country")} == {
        "subject": "100425", "uk_degree": "051", "grade": "02", "institution": "0001", "graduation_year": 2015,
        "country": None}
    assert data["non_uk_degree"] is None
    assert data["other_grade"] is None
    assert data["subject_uuid"] == ref.entry("degree_subject", "100425")["id"]
    assert list(k for k in data if not k.startswith("_")) == list(degrees.PUBLIC_KEYS)


def test_grade_09_becomes_14() -> None:
    assert _data({**UK, "grade": "09"})["grade"] == "14"


def test_institution_0133_is_rewritten_to_0149() -> None:
    a = degrees.map_input({**UK, "institution": "0133"}, V26)
    b = degrees.map_input({**UK, "institution": "0149"}, V26)
    assert a == b
    if ref.entry("institution", "0149"):
        assert degrees.to_data(a)["institution"] == "0149"


def test_missing_or_unknown_institution_falls_back() -> None:
    for body in ({k: v for k, v in UK.items() if k != "institution"}, {**UK, "institution": "ZZZZ"}):
        data = _data(body)
        assert data["institution"] is None
        assert data["institution_uuid"] == degrees.OTHER_UK_INSTITUTION_UUID
        assert degrees.validate(degrees.map_input(body, V26), V26, TODAY) == []


@pytest.mark.parametrize(("body", "locale"), [
    ({"country": "FR"}, "non_uk"),
    ({"country": "FR", "institution": "0001"}, "uk"),
    ({"country": "XF"}, "uk"),
    ({"country": "XK"}, "uk"),
    ({"country": "GG"}, "non_uk"),
    ({"country": "JE"}, "non_uk"),
    ({"country": "IM"}, "non_uk"),
    ({"country": "Q9"}, "non_uk"),
    ({}, "uk"),
])
def test_uk_test(body: dict, locale: str) -> None:
    cols = degrees.map_input(body, V26)
    assert cols["locale_code"] == locale
    if locale == "uk":
        assert cols["country"] is None


def test_country_labels_per_version() -> None:
    assert degrees.map_input({"country": "BO"}, V26)["country"] == "Bolivia"
    assert degrees.map_input({"country": "BO"}, V25)["country"] == "Bolivia [Bolivia, Plurinational State of]"
    for version in (V25, V26):
        assert _data({"country": "BO"}, version)["country"] == "BO"


def test_graduation_year_forms() -> None:
    assert degrees.map_input({"graduation_year": "2012-06-30"}, V26)["graduation_year"] == 2012
    assert degrees.map_input({"graduation_year": 2012}, V26)["graduation_year"] == 2012
    assert degrees.map_input({"graduation_year": "2012"}, V26)["graduation_year"] == "2012"


# --- degrees: validation ------------------------------------------------------------------------


def _errors(body: dict, version: str = V26) -> list[str]:
    return degrees.validate(degrees.map_input(body, version), version, TODAY)


def test_graduation_year_window() -> None:
    assert _errors({**UK, "graduation_year": "2027"}) == []
    assert _errors({**UK, "graduation_year": "1967"}) == []
    assert _errors({**UK, "graduation_year": "2028"}) == [
        "graduation_year must be in the past, for example 2014", "graduation_year is invalid"]
    assert _errors({**UK, "graduation_year": "1966"}) == ["graduation_year is invalid"]
    assert _errors({**UK, "graduation_year": None}) == [
        "graduation_year must be entered if specifying a previous UK degree or non-UK degree"]


def test_spec_pinned_five_errors_uk() -> None:
    body = {"grade": "First", "subject": "Practical Magic", "graduation_year": TODAY.year + 2,
            "uk_degree": "Bachelor of Arts", "institution": "University of Oxford", "country": "France"}
    assert _errors(body) == [
        "graduation_year must be in the past, for example 2014",
        "graduation_year is invalid",
        "subject must be entered if specifying a previous UK degree or non-UK degree",
        "grade must be entered if specifying a previous UK degree or non-UK degree",
        "uk_degree has invalid reference data value of 'Bachelor of Arts'. Example values include "
        "'001', '002', '003', '005', '007', '009', '010', '012', '013', '014'...",
    ]


def test_spec_pinned_five_errors_non_uk() -> None:
    body = {"grade": "First", "subject": "Practical Magic", "graduation_year": TODAY.year + 2,
            "non_uk_degree": "Bachelor of Arts", "country": "France"}
    errors = _errors(body)
    assert len(errors) == 5
    assert "country has invalid reference data value of 'France'. Example values include " \
           "'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AS'..." in errors
    assert any(e.startswith("non_uk_degree has invalid reference data value of 'Bachelor of Arts'") for e in errors)


def test_v2025_inclusion_examples_in_source_order() -> None:
    errors = _errors({**UK, "uk_degree": "XYZ"}, V25)
    assert errors == ["uk_degree has invalid reference data value of 'XYZ'. Example values include "
                      "'002', '010', '013', '014', '051', '052', '053', '054', '055', '056'..."]
    errors = _errors({"subject": "100425", "graduation_year": 2010, "non_uk_degree": "051", "country": "Q9"}, V25)
    assert errors == ["country has invalid reference data value of 'Q9'. Example values include "
                      "'AF', 'XQ', 'AX', 'AL', 'DZ', 'AS', 'AD', 'AO', 'AI', 'XX'..."]


def test_uk_and_non_uk_presence() -> None:
    assert _errors({"subject": "100425", "graduation_year": 2010, "institution": "0001"}) == [
        "uk_degree must be entered if specifying a previous UK degree",
        "grade must be entered if specifying a previous UK degree or non-UK degree"]
    assert _errors({"subject": "100425", "graduation_year": 2010, "country": "FR"}) == [
        "non_uk_degree must be entered if specifying a previous non-UK degree"]
    # non-UK: grade optional
    assert _errors({"subject": "100425", "graduation_year": 2010, "country": "FR", "non_uk_degree": "051"}) == []
    # country with institution but non_uk_degree → UK → uk_degree missing
    assert "uk_degree must be entered if specifying a previous UK degree" in _errors(
        {"subject": "100425", "graduation_year": 2010, "country": "FR", "institution": "0001",
         "non_uk_degree": "051", "grade": "01"})


# --- degrees: duplicates and PUT ----------------------------------------------------------------


def test_duplicate_ignores_institution_and_blank_candidate_fields() -> None:
    existing = degrees.map_input(UK, V26)
    assert degrees.matches(degrees.map_input({**UK, "institution": "ZZZZ"}, V26), existing, V26)
    no_grade = {k: v for k, v in UK.items() if k != "grade"}
    assert degrees.matches(degrees.map_input(no_grade, V26), existing, V26)
    assert not degrees.matches(degrees.map_input({**UK, "graduation_year": "2016"}, V26), existing, V26)
    assert not degrees.matches(degrees.map_input({**UK, "grade": "01"}, V26), existing, V26)


def test_v2026_duplicate_matches_legacy_country_label() -> None:
    body = {"subject": "100425", "graduation_year": 2010, "country": "BO", "non_uk_degree": "051"}
    legacy = degrees.map_input(body, V25)
    assert degrees.matches(degrees.map_input(body, V26), legacy, V26)
    assert not degrees.matches(degrees.map_input(body, V26), legacy, V25)
    assert degrees.is_duplicate_degree(_data(body), _data(body))


def test_put_keeps_unsent_keys_and_stale_uuid() -> None:
    stored = degrees.map_input(UK, V26)
    merged = degrees.merge_update(stored, {"grade": "01"}, V26)
    assert merged["grade"] != stored["grade"]
    assert merged["grade_uuid"] == stored["grade_uuid"]  # uuid keeps its old value
    assert {k: v for k, v in merged.items() if k not in ("grade",)} == {
        k: v for k, v in stored.items() if k != "grade"}


def test_put_switch_uk_to_non_uk_and_back() -> None:
    stored = degrees.map_input(UK, V26)
    non_uk = degrees.merge_update(stored, {"non_uk_degree": "097", "country": "MX"}, V26)
    assert non_uk["locale_code"] == "non_uk"
    assert non_uk["country"] == "Mexico"
    assert non_uk["uk_degree"] is None and non_uk["uk_degree_uuid"] is None
    assert non_uk["institution"] == stored["institution"]
    back = degrees.merge_update(non_uk, {"uk_degree": "051"}, V26)
    assert back["locale_code"] == "uk"
    assert back["country"] is None and back["non_uk_degree"] is None


def test_validate_new_degree_export() -> None:
    data, errors = degrees.validate_new_degree({**UK, "foo": "bar"}, V26, TODAY)
    assert errors == []
    assert data["subject"] == "100425"
    _, errors = degrees.validate_new_degree({}, V26, TODAY)
    assert "subject must be entered if specifying a previous UK degree or non-UK degree" in errors


# --- placements ---------------------------------------------------------------------------------


def test_placement_linked_to_school() -> None:
    school = ref.schools()[0]
    data, errors = placements.validate_new_placement({"urn": school["urn"], "name": "ignored"}, V26)
    assert errors == []
    assert (data["urn"], data["name"], data["postcode"]) == (school["urn"], school["name"], school["postcode"])
    assert data["address"] == f"URN {school['urn']}, {school['town']}, {school['postcode']}"


@pytest.mark.parametrize(("body", "errors", "address"), [
    ({"urn": None, "name": None, "postcode": None}, ["name can't be blank"], None),
    ({"urn": "12345", "name": "X"}, ["urn is invalid"], "URN 12345"),
    ({"name": "X", "postcode": "NOPE"}, ["postcode Enter a valid postcode (for example, BN1 1AA)"], "NOPE"),
    ({"urn": "987548", "name": "X", "postcode": "ZX6 8FZ"}, [], "URN 987548, ZX6 8FZ"),
    ({"urn": "137523", "name": "X"}, [], "URN 137523"),
    ({"name": "X", "postcode": "AB1 2CD"}, [], "AB1 2CD"),
    ({"urn": "900020", "name": "X", "postcode": "AB1 2CD"}, [], None),
    ({"urn": "900000"}, ["name can't be blank"], None),
])
def test_placement_rules(body: dict, errors: list[str], address: str | None) -> None:
    data, found = placements.validate_new_placement(body, V26)
    assert found == errors
    assert data["address"] == address


@pytest.mark.parametrize("postcode", ["BN1 1AA", "sw1a 1aa", "SW1A1AA", "GU1 1AA", "M1 2WD", "EC1A 1BB"])
def test_valid_postcodes(postcode: str) -> None:
    assert placements.valid_postcode(postcode)


@pytest.mark.parametrize("postcode", ["NOPE", "12345", "BN1", "1BN 1AA", "BN1 1AAA", "BN1  1AA"])
def test_invalid_postcodes(postcode: str) -> None:
    assert not placements.valid_postcode(postcode)


def test_placement_put_table() -> None:
    school, other = ref.schools()[0], ref.schools()[1]
    linked = placements.map_input({"urn": school["urn"]})
    unlinked = placements.map_input({"urn": "987548", "name": "X", "postcode": "ZX6 8FZ"})
    assert placements.merge_update(unlinked, {"urn": other["urn"]})["school_urn"] == other["urn"]
    assert placements.merge_update(unlinked, {"postcode": "GU1 1AA"}) == {**unlinked, "postcode": "GU1 1AA"}
    assert placements.validate(placements.merge_update(linked, {"postcode": "GU1 1AA"})) == ["name can't be blank"]
    renamed = placements.merge_update(linked, {"name": "X"})
    assert renamed == {"urn": None, "name": "X", "postcode": None, "school_urn": None}
    relinked = placements.merge_update(linked, {"urn": "654321", "name": "X"})
    assert placements.to_data(relinked)["address"] == "URN 654321"


# --- withdraw -----------------------------------------------------------------------------------

START = date(2026, 9, 1)


def test_withdraw_spec_pinned_four_errors() -> None:
    assert transitions.validate_withdraw({"reasons": ["invalid_reason"]}, START, V26) == [
        "withdrawal_date Choose a withdrawal date",
        "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger",
        "trigger is not included in the list",
        "future_interest is not included in the list",
    ]
    assert transitions.validate_withdraw({"reasons": ["invalid_reason"]}, START, V25)[0] == (
        "withdraw_date Choose a withdrawal date")


def test_withdraw_messages() -> None:
    base = {"withdrawal_date": "2026-10-01", "trigger": "provider", "future_interest": "no",
            "reasons": ["record_added_in_error"]}
    assert transitions.validate_withdraw(base, START, V26) == []
    assert transitions.validate_withdraw({**base, "withdrawal_date": "2026-08-31"}, START, V26) == [
        "withdrawal_date must be after itt_start_date"]
    assert transitions.validate_withdraw({**base, "withdrawal_date": "2026-09-01"}, START, V26) == []
    assert transitions.validate_withdraw({**base, "withdrawal_date": "2030-01-01"}, START, V26) == []
    assert transitions.validate_withdraw({**base, "withdrawal_date": "31/12/2026"}, START, V26) == [
        "withdrawal_date Choose a valid withdrawal date"]
    assert transitions.validate_withdraw({**base, "reasons": []}, START, V26) == [
        "reasons Choose one or more reasons why the trainee withdrew from the course"]
    assert transitions.validate_withdraw({**base, "reasons": ["had_to_withdraw_trainee_another_reason",
                                                              "safeguarding_concerns"]}, START, V26) == [
        "another_reason Enter another reason", "safeguarding_concern_reasons Enter the concerns"]
    # trainee-list reason under a provider trigger, and vice versa
    assert transitions.validate_withdraw({**base, "reasons": ["trainee_workload_issues"]}, START, V26) == [
        "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger"]
    assert transitions.validate_withdraw({**base, "trigger": "trainee", "reasons": ["death"]}, START, V26) == [
        "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger"]


def test_withdrawal_record_and_fields() -> None:
    data = {"withdraw_date": "2026-10-01T10:00:00Z", "trigger": "trainee", "future_interest": "yes",
            "reasons": ["safeguarding_concerns", "unacceptable_behaviour", "unacceptable_behaviour"],
            "safeguarding_concern_reasons": "text"}
    record = transitions.withdrawal_record(data, V25)
    assert record == {"date": "2026-10-01", "reasons": ["unacceptable_behaviour", "safeguarding_concerns"],
                      "trigger": "trainee", "future_interest": "yes", "another_reason": None,
                      "safeguarding_concern_reasons": "text"}
    assert set(transitions.withdrawal_fields(record, V25)) == {
        "withdraw_date", "withdraw_reasons", "withdrawal_trigger", "withdrawal_future_interest",
        "withdrawal_another_reason", "withdrawal_safeguarding_concern_reasons"}
    assert transitions.withdrawal_fields(None, V26)["withdrawal_date"] is None


@pytest.mark.parametrize(("state", "start", "allowed"), [
    ("submitted_for_trn", START, True),
    ("trn_received", TODAY, True),
    ("deferred", None, True),
    ("trn_received", date(2026, 11, 28), False),
    ("draft", START, False),
    ("withdrawn", START, False),
    ("awarded", START, False),
    ("recommended_for_award", START, False),
])
def test_withdraw_preconditions(state: str, start: date | None, allowed: bool) -> None:
    assert transitions.withdraw_allowed(state, start, None, TODAY, V26) is allowed


def test_withdraw_commencement_status_blocks() -> None:
    assert not transitions.withdraw_allowed("trn_received", START, "itt_not_yet_started", TODAY, V26)


# --- defer and recommend ------------------------------------------------------------------------


def test_defer_messages() -> None:
    assert transitions.validate_defer_fields({"defer_date": ""}) == ["defer_date can't be blank"]
    assert transitions.validate_defer_fields({"defer_date": "2026-13-13"}) == ["defer_date is invalid"]
    assert transitions.validate_defer_fields({"defer_date": "2020-01-01", "defer_reason": "x" * 501}) == [
        "defer_reason is too long (maximum is 500 characters)"]
    assert transitions.validate_defer_fields({"defer_date": "2030-01-01", "defer_reason": "x" * 500}) == []
    assert transitions.defer_changes({"defer_date": "2026-10-01T09:00:00Z"}) == {
        "defer_date": "2026-10-01", "defer_reason": None}


def _recommend(data: dict, **kw) -> list[str]:
    args = {"state": "trn_received", "itt_start_date": START, "training_route": "12", "degree_count": 1,
            "placement_count": 2, "today": TODAY, **kw}
    return transitions.validate_recommend(data, **args)


def test_recommend_messages() -> None:
    ok = {"qts_standards_met_date": "2026-11-01"}
    assert _recommend(ok) == []
    assert _recommend({"qts_standards_met_date": None}) == [
        "qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS requirements."]
    assert _recommend({"qts_standards_met_date": "nope"}) == ["qts_standards_met_date is invalid"]
    assert _recommend({"qts_standards_met_date": "2026-11-28"}) == ["qts_standards_met_date must not be in the future"]
    assert _recommend({"qts_standards_met_date": "2026-08-31"}) == [
        "qts_standards_met_date must be after itt_start_date"]
    assert _recommend(ok, degree_count=0) == ["degree_id must be completed before qts_standards_met_date"]
    assert _recommend(ok, placement_count=0) == [
        "placements must be at least 2 for the provider_led_postgrad training route"]
    assert _recommend(ok, training_route="15", placement_count=0) == [
        "placements must be at least 1 for the iqts training route"]
    assert _recommend(ok, training_route="15", placement_count=1) == []
    assert _recommend(ok, training_route="11", degree_count=0) == []
    assert _recommend(ok, training_route="16", placement_count=0) == []
    assert _recommend({"qts_standards_met_date": "2026-11-28"}, state="deferred", degree_count=0) == [
        "qts_standards_met_date must not be in the future",
        "degree_id must be completed before qts_standards_met_date",
        "state must be selected as trn_received"]
