"""Rules of the static diff on small hand-made documents."""

from __future__ import annotations

from typing import Any

from register_conformance.compat.diff import diff_documents
from register_conformance.compat.renames import KnownRename, pair_renames, similarity
from register_conformance.compat.walker import Field, flatten


def doc(request: dict[str, Any] | None = None, response: dict[str, Any] | None = None,
        statuses: tuple[str, ...] = ("200",), params: list[dict[str, Any]] | None = None,
        components: dict[str, Any] | None = None, extra_paths: dict[str, Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {}}
    for status in statuses:
        body = response if status.startswith("2") else {"type": "object", "properties": {"errors": response or {}}}
        op["responses"][status] = {"description": "x", "content": {"application/json": {"schema": body or {}}}}
    if request is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": request}}}
    if params is not None:
        op["parameters"] = params
    out = {"openapi": "3.0.3", "paths": {"/api/{api_version}/things": {"post": op}, **(extra_paths or {})}}
    if components:
        out["components"] = {"schemas": components}
    return out


def obj(required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


def rules(old: dict[str, Any], new: dict[str, Any], renames: tuple[KnownRename, ...] = ()) -> dict[str, str]:
    return {f"{c.rule} {c.field}".strip(): c.severity
            for c in diff_documents(old, new, "v2025.0", "v2026.1", renames=renames, artefacts=())}


S = {"type": "string"}


def test_request_enum_value_removed_is_breaking_and_added_is_info() -> None:
    old = doc(request=obj(route={"type": "string", "enum": ["02", "03"]}))
    new = doc(request=obj(route={"type": "string", "enum": ["03", "15"]}))
    assert rules(old, new) == {"request-property-enum-value-removed route": "breaking",
                               "request-property-enum-value-added route": "info"}


def test_response_enum_value_added_is_a_warning() -> None:
    old = doc(response=obj(phase={"type": "string", "enum": ["primary"]}))
    new = doc(response=obj(phase={"type": "string", "enum": ["primary", "early_years"]}))
    assert rules(old, new) == {"response-property-enum-value-added phase": "warning"}


def test_new_required_request_property_is_breaking_optional_is_info() -> None:
    old = doc(request=obj(a=S))
    new = doc(request=obj(("b",), a=S, b=S, c=S))
    assert rules(old, new) == {"new-required-request-property b": "breaking", "new-optional-request-property c": "info"}


def test_request_property_became_required_and_length_limits() -> None:
    old = doc(request=obj(a={"type": "string", "maxLength": 80}))
    new = doc(request=obj(("a",), a={"type": "string", "maxLength": 60, "minLength": 1}))
    assert rules(old, new) == {"request-property-became-required a": "breaking",
                               "request-property-max-length-decreased a": "breaking",
                               "request-property-min-length-increased a": "breaking"}


def test_type_changes_and_untyped_nodes() -> None:
    old = doc(request=obj(a={"type": "integer"}), response=obj(x={"nullable": True}, y={"type": "string"}))
    new = doc(request=obj(a={"type": "string"}), response=obj(x={"type": "string", "nullable": True},
                                                             y={"type": "array", "items": S}))
    assert rules(old, new) == {"request-property-type-changed a": "breaking",
                               "response-property-type-specified x": "info",
                               "response-property-type-changed y": "breaking",
                               "response-property-added y[]": "info"}


def test_response_property_removed_and_renamed_by_similarity() -> None:
    old = doc(response=obj(withdraw_date=S, gone=S))
    new = doc(response=obj(withdrawal_date=S))
    found = diff_documents(old, new, "v2025.0", "v2026.1", renames=(), artefacts=())
    assert {(c.rule, c.field, c.after, c.severity) for c in found} == {
        ("response-property-renamed", "withdraw_date", "withdrawal_date", "breaking"),
        ("response-property-removed", "gone", None, "breaking"),
    }
    assert "similarity" in next(c.message for c in found if c.rule.endswith("renamed"))


def test_error_response_changes_are_one_class_less_severe() -> None:
    old = doc(response=obj(a=S), statuses=("200", "422"))
    new = doc(response=obj(b=S), statuses=("200", "422"))
    by_location = {(c.location, c.rule): c.severity for c in diff_documents(old, new, "a", "b", artefacts=())}
    assert by_location[("response 200", "response-property-removed")] == "breaking"
    assert by_location[("response 422", "response-property-removed")] == "warning"


def test_statuses_operations_and_parameters() -> None:
    old = doc(statuses=("200", "404"), params=[{"name": "since", "in": "query", "schema": S}],
              extra_paths={"/api/{api_version}/old": {"get": {"responses": {"200": {"description": "x"}}}}})
    new = doc(statuses=("201", "422"), params=[{"name": "page", "in": "query", "required": True, "schema": S}],
              extra_paths={"/api/{api_version}/new": {"get": {"responses": {"200": {"description": "x"}}}}})
    got = {(c.rule, c.operation, c.location): c.severity for c in diff_documents(old, new, "a", "b", artefacts=())}
    assert got == {
        ("api-path-added", "GET /new", ""): "info",
        ("api-path-removed", "GET /old", ""): "breaking",
        ("request-parameter-removed", "POST /things", "parameters"): "warning",
        ("new-required-request-parameter", "POST /things", "parameters"): "breaking",
        ("response-success-status-removed", "POST /things", "response 200"): "breaking",
        ("response-non-success-status-removed", "POST /things", "response 404"): "info",
        ("response-status-added", "POST /things", "response 201"): "warning",
        ("response-status-added", "POST /things", "response 422"): "warning",
    }


def test_refs_and_allof_are_followed() -> None:
    components = {"Base": obj(("a",), a=S), "Body": {"allOf": [{"$ref": "#/components/schemas/Base"},
                                                               obj(b={"type": "string", "enum": ["x"]})]}}
    flat = flatten({"components": {"schemas": components}}, {"$ref": "#/components/schemas/Body"})
    assert flat["a"] == Field(type=("string",), nullable=False, required=True)
    assert flat["b"].enum == ("x",)


def test_known_renames_win_over_similarity_and_number_words_pair_correctly() -> None:
    removed = {f"data.course_subject_{n}": Field(("string",), False, False) for n in ("one", "two", "three")}
    added = {f"data.course_subject_{n}": Field(("string",), False, False) for n in ("1", "2", "3")}
    pairs = pair_renames(removed, added, ())
    assert sorted((a, b) for a, b, _ in pairs) == [("data.course_subject_one", "data.course_subject_1"),
                                                   ("data.course_subject_three", "data.course_subject_3"),
                                                   ("data.course_subject_two", "data.course_subject_2")]
    table = (KnownRename("lead_partner_id", "training_partner_urn"),)
    assert pair_renames({"lead_partner_id": Field(None, False, False)},
                        {"training_partner_urn": Field(None, False, False)}, table) == \
        [("lead_partner_id", "training_partner_urn", "known")]


def test_similarity_keeps_unrelated_fields_apart() -> None:
    assert similarity("lead_partner_urn", "training_partner_urn") >= 0.75
    assert similarity("hesa_disabilities", "iqts_country") < 0.75
    assert pair_renames({"a.bursary_level": Field(None, False, False)},
                        {"a.iqts_country": Field(None, False, False)}, ()) == []
    # different parents never pair
    assert pair_renames({"x.withdraw_date": Field(None, False, False)},
                        {"y.withdrawal_date": Field(None, False, False)}, ()) == []
