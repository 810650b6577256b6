"""Our Schemathesis checks: rules the overlaid schema cannot express, each citing a requirement.

A check is ``check(ctx, response, case)`` (Schemathesis' signature): ``None`` means pass; a broken
rule raises ``failures.RequirementFailure`` (an ``AssertionError``: Schemathesis keeps it inside a
``CustomFailure``), which names the requirement id, says Received/Expected and carries the response
that showed it. Pass them as ``additional_checks`` to ``case.call_and_validate``.

``NegativePolicy`` decides when Schemathesis' ``negative_data_rejection`` does not apply because
the facts say the API *accepts* that input (scalars cast to strings, non-scalars and nulls
dropped, lenient date parsing, paging values never rejected: core.md §2.4-§2.5, §2.8, §7.1, §10.3).
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from register_conformance.failures import RequirementFailure
from register_conformance.redaction import redact_text

STE_MESSAGE = "It\u2019s not possible to perform this action while the trainee is in its current state"
VALIDATION_MESSAGE = re.compile(
    r"^Validation failed: (\d+) (error|errors) prohibited this (trainee from being saved|request being run)$"
)
#: Keys a trainee object may carry besides the documented ones: disability1..N (core.md §11.3).
DISABILITY_KEY = re.compile(r"^disability\d+$")
NEVER_RETRIED = frozenset({429})


# -- helpers -----------------------------------------------------------------------------------
def _secrets(request: Any) -> list[str]:
    value = request.headers.get("Authorization") or request.headers.get("authorization") or ""
    return [value.removeprefix("Bearer ").strip()] if value else []


def fail(requirement_id: str, case: Any, response: Any, title: str, received: Any, expected: Any) -> None:
    """Raise a ``RequirementFailure`` with Received/Expected text, carrying ``response``."""
    message = (f"[{requirement_id}] {case.operation.label}: {title}\n"
               f"Received: {received}\nExpected: {expected}")
    raise RequirementFailure(redact_text(message, _secrets(response.request)), requirement_id=requirement_id,
                             title=title, response=response)


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content or b"null")
    except (ValueError, TypeError):
        return None


def _tail(case: Any) -> str:
    return case.path.split("/api/{api_version}", 1)[-1]


def _not_found_messages(case: Any) -> set[str]:
    tail = _tail(case)
    allowed = {"Not found"}
    if tail == "/trainees" and case.method.upper() == "GET":
        return allowed | {"No trainees found"}
    if tail == "/reference-data":
        field = (case.query or {}).get("field")
        if isinstance(field, list):
            field = field[-1] if field else ""
        return allowed | {f"Reference data field '{field}' not found",
                          f"Reference data is not available for version '{case.path_parameters.get('api_version')}'"}
    if "{trainee_id}" in tail:
        allowed.add("Trainee(s) not found")
    if "{degree_id}" in tail:
        allowed.add("Degree(s) not found")
    if "{placement_id}" in tail:
        allowed.add("Placement(s) not found")
    return allowed


# -- the checks --------------------------------------------------------------------------------
def error_body_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """ERR-*: error bodies carry the exact shape and wording the facts pin for their status."""
    status = response.status_code
    if status < 400 or status in NEVER_RETRIED:
        return None
    body = _json(response)
    if status == 401:
        if body != {"error": "Unauthorized"}:
            fail("AUTH-401", case, response, "401 body is not {\"error\":\"Unauthorized\"}", body,
                 {"error": "Unauthorized"})
        return None
    if status == 400:
        errors = body.get("errors") if isinstance(body, dict) else None
        if not (isinstance(errors, list) and len(errors) == 1 and isinstance(errors[0], str)):
            fail("ERR-400", case, response, "400 body is not a one-element array of strings", body,
                 '{"errors": ["<parser message>"]}')
        return None
    if status == 404:
        errors = body.get("errors") if isinstance(body, dict) else None
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        allowed = _not_found_messages(case)
        if first.get("error") != "NotFound" or first.get("message") not in allowed:
            fail("ERR-404", case, response, "404 body has the wrong error or message", body,
                 f'{{"errors":[{{"error":"NotFound","message": one of {sorted(allowed)}}}]}}')
        return None
    if status == 409:
        errors = body.get("errors") if isinstance(body, dict) else None
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        expected = "This is a duplicate degree" if "degrees" in _tail(case) else "This trainee is already in Register"
        if first != {"error": "Conflict", "message": expected}:
            fail("ERR-409", case, response, "409 body has the wrong error or message", first,
                 {"error": "Conflict", "message": expected})
        return None
    if status == 422 and isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            for item in errors:
                if item.get("error") == "StateTransitionError" and item.get("message") != STE_MESSAGE:
                    fail("ERR-STE", case, response, "StateTransitionError message is not byte-exact",
                         item.get("message"), STE_MESSAGE)
        if "message" in body:
            match = VALIDATION_MESSAGE.match(str(body["message"]))
            if match and isinstance(errors, list) and "being run" not in body["message"]:
                count = int(match.group(1))
                noun = "error" if count == 1 else "errors"
                if count != len(errors) or match.group(2) != noun:
                    want = f"Validation failed: {len(errors)} {'error' if len(errors) == 1 else 'errors'} …"
                    fail("ERR-422-COUNT", case, response, "'Validation failed: N error(s)' does not count the errors",
                         body["message"], want)
    return None


def _trainees_in(case: Any, body: Any, status: int) -> Iterable[dict[str, Any]]:
    tail = _tail(case)
    method = case.method.upper()
    if not isinstance(body, dict):
        return []
    if tail == "/trainees/{trainee_id}" and method == "GET" and status == 200:
        return [body]
    data = body.get("data")
    if isinstance(data, list) and (tail == "/trainees" or status == 409) and "degrees" not in tail:
        return [t for t in data if isinstance(t, dict)]
    if isinstance(data, dict) and "trainee_id" in data:
        return [data]
    return []


def make_trainee_keys_check(documented: Iterable[str]) -> Callable[[Any, Any, Any], bool | None]:
    """SHOW-KEYS: a trainee object has only documented keys (plus disabilityN; core.md §11.2-§11.3)."""
    allowed = frozenset(documented)

    def trainee_object_keys(ctx: Any, response: Any, case: Any) -> bool | None:
        for trainee in _trainees_in(case, _json(response), response.status_code):
            extra = sorted(k for k in trainee if k not in allowed and not DISABILITY_KEY.match(k))
            if extra:
                fail("SHOW-KEYS", case, response, "trainee object has undocumented keys", extra,
                     "only the documented keys and disability1..N")
            bad = sorted(k for k in trainee if DISABILITY_KEY.match(k) and not isinstance(trainee[k], str))
            if bad:
                fail("SHOW-KEYS", case, response, "disabilityN values must be code strings", bad, "strings")
        return None

    return trainee_object_keys


def make_isolation_check(second_token: str | None, send: Callable[..., Any]) -> Callable[[Any, Any, Any], bool | None]:
    """AUTH-ISOLATION: provider B asking for provider A's object gets 404 "Trainee(s) not found" (core.md §3.6).

    ``send(method, url, headers)`` sends through the suite's throttle. Each (operation, trainee) is
    probed once.
    """
    probed: set[tuple[str, str]] = set()
    lock = threading.Lock()

    def object_level_isolation(ctx: Any, response: Any, case: Any) -> bool | None:
        if not second_token or case.method.upper() != "GET" or not 200 <= response.status_code < 300:
            return None
        trainee_id = (case.path_parameters or {}).get("trainee_id")
        if not trainee_id:
            return None
        key = (case.operation.label, str(trainee_id))
        with lock:
            if key in probed:
                return None
            probed.add(key)
        headers = {k: v for k, v in dict(response.request.headers).items()
                   if k.lower() not in ("authorization", "content-length", "cookie")}
        headers["Authorization"] = f"Bearer {second_token}"
        peer = send("GET", str(response.request.url), headers)
        body = _json(peer)
        expected = {"errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}
        if peer.status_code != 404 or body != expected:
            fail("AUTH-ISOLATION", case, peer, "another provider can read this trainee's data",
                 f"{peer.status_code} {str(body)[:200]}", f"404 {expected}")
        return None

    return object_level_isolation


def make_deleted_is_gone_check(send: Callable[..., Any]) -> Callable[[Any, Any, Any], bool | None]:
    """SCH-DELETE-GONE: after a 2xx DELETE of a degree/placement, a GET of it answers 404 (lifecycle.md §3.6, §4.4)."""

    def deleted_is_gone(ctx: Any, response: Any, case: Any) -> bool | None:
        if case.method.upper() != "DELETE" or not 200 <= response.status_code < 300:
            return None
        kind = "Degree" if "{degree_id}" in case.path else "Placement" if "{placement_id}" in case.path else None
        if kind is None:
            return None
        headers = {k: v for k, v in dict(response.request.headers).items() if k.lower() != "content-length"}
        again = send("GET", str(response.request.url), headers)
        expected = {"errors": [{"error": "NotFound", "message": f"{kind}(s) not found"}]}
        if again.status_code != 404 or _json(again) != expected:
            fail("SCH-DELETE-GONE", case, again, f"the deleted {kind.lower()} can still be read",
                 f"{again.status_code} {str(_json(again))[:200]}", f"404 {expected}")
        return None

    return deleted_is_gone


# -- negative data: what the API is documented to accept ----------------------------------------
NEVER_REJECTED_QUERY = frozenset({"page", "per_page", "has_trn"})


def oas_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable`` → JSON Schema ``null`` (recursively, on a copy)."""
    if isinstance(node, list):
        return [oas_to_jsonschema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: oas_to_jsonschema(v) for k, v in node.items() if k not in ("nullable", "example", "x-codes")}
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def _lenient_date(value: str) -> str | None:
    """The date Ruby's ISO 8601 parser reads from ``value`` (basic form, date-times), else None."""
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value[:8], fmt).date().isoformat()
        except ValueError:
            continue
    return None


#: Trainee fields required on create (core.md §9.3): an empty string for one of them fails on update too.
CREATE_REQUIRED = frozenset({
    "first_names", "last_name", "date_of_birth", "sex", "email", "training_route", "itt_start_date", "itt_end_date",
    "course_subject_1", "course_subject_one", "study_mode", "hesa_id", "itt_aim", "course_year", "course_age_range",
    "fund_code", "funding_method",
})


class NegativePolicy:
    """Decide whether a negative case's invalid part survives the API's documented coercions."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.root = oas_to_jsonschema(copy.deepcopy(document))

    def _body_schema(self, case: Any) -> dict[str, Any] | None:
        op = self.root["paths"].get(case.path, {}).get(case.method.lower(), {})
        content = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return content.get("schema")

    def _validator(self, schema: dict[str, Any]) -> Any:
        import jsonschema

        resolver = jsonschema.RefResolver.from_schema(self.root)
        return jsonschema.Draft4Validator(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())

    def _resolve(self, schema: Any) -> dict[str, Any]:
        """Merged ``properties`` of ``schema`` (following $ref and allOf)."""
        if not isinstance(schema, dict):
            return {}
        if "$ref" in schema:
            node: Any = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            return self._resolve(node)
        props = dict(schema.get("properties") or {})
        for sub in schema.get("allOf") or []:
            props.update(self._resolve(sub))
        return props

    def coerce_body(self, case: Any, body: Any) -> Any:
        """``body`` as the API sees it after its documented coercions."""
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return body
        schema = self._body_schema(case) or {}
        data_schema = self._resolve(schema).get("data", {})
        is_update = case.method.upper() in ("PUT", "PATCH") and case.path.endswith("{trainee_id}")
        return {**body, "data": self._coerce_object(body["data"], self._resolve(data_schema), is_update)}

    def _coerce_object(self, value: dict[str, Any], props: dict[str, Any], is_update: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, item in value.items():
            ps = props.get(key)
            if ps is None:
                continue  # unknown keys are dropped (core.md §2.5)
            if item is None and is_update and key not in ("course_subject_2", "course_subject_3"):
                continue  # nulls are ignored on update (core.md §10.3)
            if is_update and (key in ("degrees_attributes", "placements_attributes")
                              or (key == "training_route" and item == "")):
                continue  # ignored on update (core.md §10.3)
            if is_update and item == "" and key not in CREATE_REQUIRED:
                continue  # "" is kept on update; only required fields are pinned to fail (core.md §10.3)
            types = ps.get("type")
            types = [types] if isinstance(types, str) else list(types or [])
            scalar = [t for t in types if t in ("string", "integer", "number", "boolean")]
            if isinstance(item, dict | list) and scalar and "array" not in types and "object" not in types:
                continue  # non-scalars fail the permit filter and are dropped
            if isinstance(item, bool | int | float) and "string" in types:
                item = str(item).lower() if isinstance(item, bool) else str(item)
            if isinstance(item, str) and types and "integer" in types and "string" not in types:
                continue  # integer fields given strings: the cast is not pinned by the facts
            if isinstance(item, str) and ps.get("format") == "date":
                item = _lenient_date(item) or item
            if isinstance(item, list) and "array" in types:
                inner = self._resolve(ps.get("items") or {})
                item = [self._coerce_object(x, inner) if isinstance(x, dict) and inner else x for x in item]
            data[key] = item
        return data

    def applies(self, case: Any) -> bool:
        """False when the negative part of ``case`` is something the facts say the API accepts."""
        from schemathesis.core.parameters import ParameterLocation

        meta = case.meta
        if meta is None or not meta.generation.mode.is_negative:
            return True
        negative = {loc for loc, comp in meta.components.items() if comp.mode.is_negative}
        if negative == {ParameterLocation.QUERY}:
            query = dict(case.query or {})
            if not any(k for k in query if k not in NEVER_REJECTED_QUERY) or self._query_valid(case, query):
                return False
        if negative == {ParameterLocation.BODY}:
            schema = self._body_schema(case)
            body = case.body
            if schema is not None and isinstance(body, dict):
                coerced = self.coerce_body(case, body)
                if not list(self._validator(schema).iter_errors(coerced)):
                    return False
                if self._update_without_changes(case, body, coerced):
                    return False
        return True

    def _update_without_changes(self, case: Any, body: dict[str, Any], coerced: Any) -> bool:
        """A trainee update whose permitted keys are all ignored (nulls, nested arrays) is a 200 no-op:
        ``data`` is not empty for the API's parameter check, it just changes nothing (core.md §2.4, §10.3)."""
        if not (case.method.upper() in ("PUT", "PATCH") and case.path.endswith("{trainee_id}")):
            return False
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(coerced, dict) or coerced.get("data"):
            return False
        props = self._resolve(self._resolve(self._body_schema(case) or {}).get("data", {}))
        return any(key in props for key in data)

    def explain(self, case: Any) -> str:
        """Why a negative case was still asserted: its invalid parts and the body after the API's coercions."""
        meta = case.meta
        components = meta.components.items() if meta else []
        parts = sorted(str(loc.value) for loc, comp in components if comp.mode.is_negative)
        text = f"Negative parts: {', '.join(parts) or 'none'} (NegativePolicy: still invalid after the API's coercions)"
        if isinstance(case.body, dict):
            text += f"\nBody as the API reads it: {json.dumps(self.coerce_body(case, case.body), default=str)[:1500]}"
        return text

    def _query_valid(self, case: Any, query: dict[str, Any]) -> bool:
        op = self.root["paths"].get(case.path, {}).get(case.method.lower(), {})
        for param in op.get("parameters", []):
            if param.get("in") != "query" or param["name"] in NEVER_REJECTED_QUERY or param["name"] not in query:
                continue
            value = query[param["name"]]
            if isinstance(value, list):
                if not value:
                    continue
                value = value[-1]  # Rails keeps the last of repeated keys
            if list(self._validator(param.get("schema", {})).iter_errors(str(value))):
                return False
        return True  # unknown query parameters are ignored by the API
