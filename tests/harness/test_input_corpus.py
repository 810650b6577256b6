"""The input corpus (data/corpus/*.yaml, lifecycle/corpus.py): well-formed, small, dated from today, covering."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from register_conformance import API_VERSIONS
from register_conformance.cycle import CycleDates
from register_conformance.lifecycle import corpus
from register_conformance.requirements import catalogue

ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


def _all_parts(version: str) -> list[corpus.Part]:
    parts = [p for row in corpus.trainee_rows(version) for p in row]
    for family in corpus.FAMILIES:
        for section in ("valid", "invalid"):
            parts += corpus.cases(family, section, version)
    return parts + corpus.cases("trainees", "update", version)


@pytest.mark.parametrize("factors", [{"a": 2, "b": 2}, {"a": 3, "b": 2, "c": 2, "d": 2}, {"a": 3, "b": 3, "c": 2}])
def test_pairwise_covers_every_pair(factors):
    rows = corpus.pairwise(factors)
    for a, b in itertools.combinations(factors, 2):
        seen = {(row[a], row[b]) for row in rows}
        assert seen == set(itertools.product(range(factors[a]), range(factors[b])))
    assert len(rows) <= max(x * y for x, y in itertools.combinations(factors.values(), 2)) + 1


@pytest.mark.parametrize("version", API_VERSIONS)
def test_rows_hold_every_entry(version):
    rows = corpus.trainee_rows(version)
    assert len(rows) <= 8, "the valid rows cost three requests each: keep them few"
    in_rows = [(p.label, p.set, p.drop) for row in rows for p in row]
    for name, entries in corpus.load("trainees")["each"].items():
        for part in (corpus.Part.of(e, name) for e in entries):
            if part.applies(version):
                assert (part.label, part.set, part.drop) in in_rows, (name, part.label)


def test_every_case_cites_a_known_requirement_and_every_requirement_is_used():
    ids = {r.id for r in catalogue().values() if r.area == "input_handling"}
    used = {p.requirement for v in API_VERSIONS for p in _all_parts(v)}
    assert used <= set(catalogue())
    assert ids <= used, f"requirements no corpus case cites: {sorted(ids - used)}"


def test_invalid_cases_name_the_field_they_break():
    for version in API_VERSIONS:
        for family in corpus.FAMILIES:
            for part in corpus.cases(family, "invalid", version):
                assert part.error and part.id, part
        for part in corpus.cases("trainees", "update", version):
            assert part.id


def test_no_date_literal_inside_the_current_cycle():
    """Dates come from $tokens; the only literals are impossible or long-past values."""
    this_cycle = CycleDates(date.today())
    for path in corpus.CORPUS_DIR.glob("*.yaml"):
        for match in ISO_DATE.finditer(path.read_text(encoding="utf-8")):
            text = match.group(0)
            try:
                when = date.fromisoformat(text)
            except ValueError:
                continue  # an impossible date such as 1990-02-30 is a case of its own
            assert not this_cycle.cycle_start <= when <= this_cycle.cycle_end, (path.name, text)


def test_tokens_are_consistent_and_derive_from_today():
    tokens = corpus.Tokens(CycleDates(date(2028, 2, 29)), school_urn="100001")
    body = tokens.resolve({"urn": "$urn6", "address": "URN $urn6, SW1A 1AA", "dob": "$dob_16", "year": "$next_year",
                           "name": "$chars:3", "school": "$school_urn"})
    assert body["address"] == f"URN {body['urn']}, SW1A 1AA" and re.fullmatch(r"8\d{5}", body["urn"])
    assert body["dob"] == "2012-02-29" and body["year"] == 2029 and body["name"] == "CCC"
    assert body["school"] == "100001"
    with pytest.raises(LookupError):
        corpus.Tokens(CycleDates(date(2028, 2, 29))).resolve("$school_urn")
    with pytest.raises(KeyError):
        tokens.resolve("$no_such_token")


def test_v2025_names():
    renamed = corpus.in_version({"course_subject_1": "100425", "training_partner_urn": "900000", "sex": "10"},
                                "v2025.0")
    assert renamed == {"course_subject_one": "100425", "lead_partner_urn": "900000", "sex": "10"}
    assert corpus.in_version({"course_subject_1": "x"}, "v2026.1") == {"course_subject_1": "x"}


def test_comparisons():
    assert corpus.differences({"a": 1, "b": None}, {"a": 1, "b": None}) == []
    assert corpus.differences({"a": "1"}, {"a": 1}) == ["a: received '1', expected 1"]
    assert corpus.differences({"name": "School"}, {"name": {"not": "Ignored"}}) == []
    assert corpus.unmatched([{"a": 1, "b": 2}], [{"a": 1}, {"a": 1}]) == ["{'a': 1}"]
    assert corpus.names_error({"errors": ["sex can't be blank"]}, ("sex",))
    assert not corpus.names_error({"errors": {"email": ["x"]}}, ("sex",))
