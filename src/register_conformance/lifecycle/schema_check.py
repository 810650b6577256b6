"""Validate every lifecycle response against the overlaid OpenAPI schema (LC-SCHEMA).

Thin adapter over the harness's ``loader.response_validator`` (owned by the schema suite): a
response whose operation is not in the schema (e.g. ``PATCH /trainees/{id}``, which the official
files omit, core.md §2.2) is not validated; a schema violation fails the test with a message naming
LC-SCHEMA and the operation (a ``RequirementFailure`` carrying the response).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from register_conformance.errors import ConfigurationError
from register_conformance.failures import RequirementFailure

Validator = Callable[[httpx.Response], None]
#: Requirement id cited by schema failures inside lifecycle scenarios.
REQUIREMENT = "LC-SCHEMA"


def response_validator(version: str, openapi_dir: str | None = None) -> Validator | None:
    """A callable that fails the test when a response breaks its operation's schema; None if unavailable."""
    try:
        from register_conformance.loader import response_validator as harness_validator

        validator = harness_validator(version, openapi_dir)
    except (ImportError, ConfigurationError):
        return None

    def validate(response: httpx.Response) -> None:
        __tracebackhide__ = True
        try:
            operation, _ = validator.operation_for(response.request.method, str(response.request.url))
        except ConfigurationError:
            return  # not a documented operation: nothing to validate against
        try:
            validator.validate(response)
        except RequirementFailure as exc:
            request = response.request
            title = f"{operation.method.upper()} {operation.path} conforms to the {version} schema"
            raise RequirementFailure(
                f"[{REQUIREMENT}] {request.method} {request.url.path} → {response.status_code} does not conform to "
                f"the overlaid {version} schema\n{exc}", requirement_id=REQUIREMENT, title=title,
                response=response, kind=exc.kind, field=exc.field, expected=exc.expected) from None

    return validate
