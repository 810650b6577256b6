"""``GET/POST /trainees`` and ``GET/PUT/PATCH /trainees/{trainee_id}`` (core.md §7–§10, §14)."""

from __future__ import annotations

import math
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox.defects import is_active
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import (
    ApiError,
    JSONResponse,
    conflict,
    dumps,
    not_found,
    param_missing,
    raw_json_response,
    trainee_validation_failed,
    validation_message,
)
from register_sandbox.serializers import build_trainee
from register_sandbox.store import TraineeRow
from register_sandbox.timefmt import ts_ms
from register_sandbox.trainees import index, validation
from register_sandbox.trainees.duplicates import find_duplicates
from register_sandbox.trainees.fields import SCALAR_FIELDS_2026, normalise_request

LIFECYCLE_DEFAULTS: dict[str, Any] = {
    "submitted_for_trn_at": None, "awarded_at": None, "recommended_for_award_at": None, "outcome_date": None,
    "defer_date": None, "reinstate_date": None, "defer_reason": None,
}
#: Stored keys that are also request fields (merge base of an update).
MERGE_KEYS = SCALAR_FIELDS_2026 - {
    "ethnic_group", "ethnic_background", "training_partner_urn", "training_partner_ukprn", "employing_school_urn",
}
PARTNER_KEYS = ("training_partner_urn", "training_partner_ukprn")


@endpoint
async def list_trainees(ctx: RequestContext) -> Response:
    """The provider's trainees of one start cycle, filtered, sorted and paginated."""
    query, errors = index.parse(dict(ctx.request.query_params), ctx.now())
    if query is None:
        count = sum(len(v) for v in errors.values())
        return JSONResponse({"message": validation_message(count, "prohibited this request being run"),
                             "errors": errors}, 422)
    offset = (query.page - 1) * query.per_page
    if is_active("index-pagination-repeats"):  # defect: off-by-one page
        offset = max(offset - query.per_page, 0)
    total, keys = ctx.store.index(ctx.provider.pk, query.cycle, query.where, query.params, query.order,
                                  query.per_page, offset)
    meta = {"current_page": query.page, "total_pages": math.ceil(total / query.per_page) if query.per_page else 0,
            "total_count": total, "per_page": query.per_page}
    if not keys:
        if is_active("index-empty-200"):
            return JSONResponse({"data": [], "meta": meta})
        return not_found("No trainees found")
    parts = ctx.sandbox.serializer.many_as_bytes(keys, ctx.provider, ctx.version)
    return raw_json_response(b'{"data":[' + b",".join(parts) + b'],"meta":' + dumps(meta) + b"}")


@endpoint
async def show_trainee(ctx: RequestContext) -> Response:
    """One trainee, unwrapped."""
    key = ctx.store.trainee_key(ctx.provider.pk, ctx.path_param("trainee_id"))
    if key is None:
        return not_found("Trainee(s) not found")
    body = ctx.sandbox.serializer.many_as_bytes([key], ctx.provider, ctx.version)[0]
    if is_active("show-wrapped-in-data"):
        body = b'{"data":' + body + b"}"
    return raw_json_response(body)


def _request_input(ctx: RequestContext, data: dict[str, Any]) -> dict[str, Any]:
    inp = normalise_request(data, ctx.version)
    if not inp:
        raise ApiError(param_missing())
    return inp


@endpoint
async def create_trainee(ctx: RequestContext) -> Response:
    """Validate, check duplicates, store as ``submitted_for_trn``; 201 wrapped."""
    inp = _request_input(ctx, await ctx.raw_data())
    outcome = validation.check(inp, ctx.version, ctx.today(), creating=True)
    if outcome.errors:
        return trainee_validation_failed(outcome.errors, ctx.enhanced_errors, ctx.version)
    store = ctx.store
    with store.transaction():
        duplicates = find_duplicates(store, ctx.provider.pk, outcome.data)
        if duplicates:
            serializer = ctx.sandbox.serializer
            return conflict("This trainee is already in Register",
                            [serializer.as_dict(d, ctx.provider, ctx.version) for d in duplicates])
        data = {**outcome.data, **LIFECYCLE_DEFAULTS, "submitted_for_trn_at": ts_ms(ctx.now())}
        row = store.insert_trainee(ctx.provider.pk, "submitted_for_trn", data)
        degrees = [store.insert_degree(row.pk, degree) for degree in outcome.degrees]
        placements = [store.insert_placement(row.pk, placement) for placement in outcome.placements]
    if degrees:  # inserting a degree touches the trainee
        row.updated_at = degrees[-1].updated_at
    status = 200 if is_active("create-status-200") else 201
    return JSONResponse({"data": build_trainee(row, ctx.provider.ukprn, ctx.version,
                                               store.sorted_degrees(degrees), placements, None)}, status)


def _merge(row: TraineeRow, request: dict[str, Any]) -> dict[str, Any]:
    """Stored values overlaid with the request, following core.md §10.3."""
    stored = row.data
    merged: dict[str, Any] = {k: stored.get(k) for k in MERGE_KEYS if stored.get(k) is not None}
    for index_key, code in (stored.get("_disabilities_raw") or {}).items():
        merged[f"disability{index_key}"] = code
    for key in ("training_partner_urn", "training_partner_ukprn", "employing_school_urn"):
        if key in request:
            merged[key] = request[key]
    for key, value in request.items():
        if key in ("degrees_attributes", "placements_attributes", "training_partner_urn",
                   "training_partner_ukprn", "employing_school_urn"):
            continue
        clears = key in ("course_subject_2", "course_subject_3", "ethnicity")
        if clears and value in (None, ""):
            merged.pop(key, None)
        elif (key == "training_route" and value in (None, "")) or value is None:
            continue
        else:
            merged[key] = value
    if stored.get("training_route") == "15" and str(merged.get("training_route")) != "15" \
            and "iqts_country" not in request:
        merged.pop("iqts_country", None)
    return merged


@endpoint
async def update_trainee(ctx: RequestContext) -> Response:
    """Merge the request into the stored trainee, re-validate everything, save; 200 wrapped."""
    row = ctx.load_trainee()
    ctx.assert_writable(row)  # 404 and the state lock come before body parsing (core.md §2.1)
    request = _request_input(ctx, await ctx.raw_data())
    row = ctx.load_trainee()  # re-read after the await: another request may have changed it meanwhile
    ctx.assert_writable(row)
    merged = _merge(row, request)
    outcome = validation.check(merged, ctx.version, ctx.today(), creating=False,
                               existing_degrees=len(ctx.store.list_degrees(row.pk)))
    if outcome.errors:
        return trainee_validation_failed(outcome.errors, ctx.enhanced_errors, ctx.version)
    new_data = dict(row.data)
    new_data.update(outcome.data)
    new_data["record_source"] = row.data.get("record_source", "api")
    new_data["course_title"] = row.data.get("course_title")
    if not any(k in request for k in PARTNER_KEYS):
        for key in PARTNER_KEYS:
            new_data[key] = row.data.get(key)
    if "employing_school_urn" not in request:
        new_data["employing_school_urn"] = row.data.get("employing_school_urn")
    row.data = new_data
    ctx.store.save_trainee(row)
    return ctx.trainee_response(row, 200)


ROUTES = [
    Route("/api/{version}/trainees", list_trainees, methods=["GET"]),
    Route("/api/{version}/trainees", create_trainee, methods=["POST"]),
    Route("/api/{version}/trainees.json", list_trainees, methods=["GET"]),  # Rails format suffix
    Route("/api/{version}/trainees.json", create_trainee, methods=["POST"]),
    Route("/api/{version}/trainees/{trainee_id}", show_trainee, methods=["GET"]),
    Route("/api/{version}/trainees/{trainee_id}", update_trainee, methods=["PUT", "PATCH"]),
]
