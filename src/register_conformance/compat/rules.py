"""The rule catalogue: every kind of change the compat diff reports, with its default class.

Rule ids follow oasdiff's naming. Classes are from the point of view of a client integrated
against ``--from``: **breaking** = a working integration stops working (a request it sends is now
refused or silently loses data, a field it reads disappears, renames), **warning** = it may
break depending on how the client is written (new error statuses, new enum values in responses,
changed error texts), **info** = nothing to do (additions, relaxations).

Two adjustments are applied by the diff, each recorded in ``Change.reason``: a change inside a
non-2xx response body is one class less severe (error bodies are diagnostic), and a difference
that is an artefact of how the official files were generated is ``info``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A named kind of change."""

    id: str
    severity: str
    description: str


_RULES: tuple[Rule, ...] = (
    # operations
    Rule("api-path-added", "info", "a new path (and its operations) is available"),
    Rule("api-path-removed", "breaking", "a path the client may call no longer exists"),
    Rule("api-operation-added", "info", "a new method on an existing path"),
    Rule("api-operation-removed", "breaking", "a method the client may call no longer exists"),
    Rule("api-operation-deprecated", "warning", "the operation is now deprecated"),
    # parameters
    Rule("new-required-request-parameter", "breaking", "requests without the new parameter are refused"),
    Rule("new-optional-request-parameter", "info", "a new optional parameter"),
    Rule("request-parameter-removed", "warning", "the parameter is no longer read (silently ignored)"),
    Rule("request-parameter-became-required", "breaking", "requests without it are refused"),
    Rule("request-parameter-became-optional", "info", "the parameter may now be left out"),
    Rule("request-parameter-type-changed", "breaking", "the parameter's type changed"),
    Rule("request-parameter-enum-value-removed", "breaking", "a value the client may send is refused"),
    Rule("request-parameter-enum-value-added", "info", "a new value may be sent"),
    Rule("request-parameter-format-changed", "warning", "the parameter's format changed"),
    # request body
    Rule("request-body-added", "info", "the operation now takes an optional body"),
    Rule("new-required-request-body", "breaking", "the operation now requires a body"),
    Rule("request-body-removed", "warning", "the body is no longer read"),
    Rule("request-property-removed", "warning", "the field is no longer read: values sent are silently dropped"),
    Rule("request-property-renamed", "breaking",
         "the field has a new name: values sent under the old name are dropped (or rejected)"),
    Rule("new-required-request-property", "breaking", "requests without the new field are refused"),
    Rule("new-optional-request-property", "info", "a new optional field"),
    Rule("request-property-became-required", "breaking", "requests without the field are refused"),
    Rule("request-property-became-optional", "info", "the field may now be left out"),
    Rule("request-property-type-changed", "breaking", "values of the old type are refused"),
    Rule("request-property-type-specified", "info", "the field's type is now declared (the file left it open)"),
    Rule("request-property-became-not-nullable", "warning", "null may no longer be sent"),
    Rule("request-property-became-nullable", "info", "null may now be sent"),
    Rule("request-property-enum-value-removed", "breaking", "a code the client may send is refused"),
    Rule("request-property-enum-value-added", "info", "a new code may be sent"),
    Rule("request-property-enum-introduced", "warning", "the field is now restricted to a list of codes"),
    Rule("request-property-enum-dropped", "info", "the field is no longer restricted to a list of codes"),
    Rule("request-property-format-changed", "warning", "the field's format changed"),
    Rule("request-property-max-length-decreased", "breaking", "longer values are refused"),
    Rule("request-property-max-length-increased", "info", "longer values are accepted"),
    Rule("request-property-min-length-increased", "breaking", "shorter values are refused"),
    Rule("request-property-min-length-decreased", "info", "shorter values are accepted"),
    Rule("request-property-pattern-changed", "warning", "the field's pattern changed"),
    Rule("request-property-range-changed", "warning", "the field's numeric bounds changed"),
    # responses
    Rule("response-status-added", "warning", "the operation may answer with a new status"),
    Rule("response-success-status-removed", "breaking", "a success status the client handles is gone"),
    Rule("response-non-success-status-removed", "info", "an error status is no longer documented"),
    Rule("response-body-added", "info", "the response now has a JSON body"),
    Rule("response-body-removed", "breaking", "the response no longer has a JSON body"),
    Rule("response-property-removed", "breaking", "the field the client reads is gone"),
    Rule("response-property-renamed", "breaking", "the field the client reads has a new name"),
    Rule("response-property-added", "info", "a new field in the response"),
    Rule("response-property-type-changed", "breaking", "the field has a different type"),
    Rule("response-property-type-specified", "info", "the field's type is now declared (the file left it open)"),
    Rule("response-property-type-unspecified", "info", "the file no longer declares the field's type"),
    Rule("response-property-became-nullable", "info",
         "the field may be null (observed schemas: nullability reflects the recorded examples)"),
    Rule("response-property-became-not-nullable", "info", "the field is no longer documented as nullable"),
    Rule("response-property-became-optional", "warning", "the field may be absent"),
    Rule("response-property-became-required", "info", "the field is always present"),
    Rule("response-property-enum-value-added", "warning", "the field may carry a code the client does not know"),
    Rule("response-property-enum-value-removed", "info", "a code is no longer returned"),
    Rule("response-property-format-changed", "warning", "the field's format changed"),
    Rule("response-property-max-length-increased", "info", "the field may be longer"),
    Rule("response-property-max-length-decreased", "info", "the field is shorter"),
    Rule("response-property-pattern-changed", "info", "the field's pattern changed"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def severity(rule_id: str) -> str:
    """The default class of ``rule_id``."""
    return RULES[rule_id].severity
