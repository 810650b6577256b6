"""``/trainees/{trainee_id}/degrees`` endpoints (lifecycle.md §3.6), checks ordered per §2.3."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox.defects import is_active
from register_sandbox.lifecycle import degrees as rules
from register_sandbox.lifecycle import messages as msg
from register_sandbox.lifecycle.flow import checks_for, run_checks
from register_sandbox.lifecycle.guards import Guards
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import ApiError, conflict, json_response, not_found, unprocessable
from register_sandbox.serializers import degree_object, trainee_object

BASE = "/api/{version}/trainees/{trainee_id}/degrees"


@checks_for("degrees.create", "degrees.update", "degrees.destroy")
class _DegreeWrite(Guards):
    """Checks shared by create and update; ``cols`` is the candidate degree's columns."""

    cols: dict[str, Any]
    degree: Any = None

    def find_degree(self) -> None:
        self.degree = self.ctx.store.get_degree(self.trainee.pk, self.ctx.path_param("degree_id"))
        if self.degree is None:
            raise ApiError(not_found(msg.DEGREE_NOT_FOUND))

    async def read_data(self) -> None:
        self.data = await self.ctx.data(rules.PERMITTED)
        if self.degree is None:
            self.cols = rules.map_input(self.data, self.ctx.version)
        else:
            self.cols = rules.merge_update(rules.columns_of(self.degree.data), self.data, self.ctx.version)

    def duplicates(self) -> None:
        others = [d for d in self.ctx.store.list_degrees(self.trainee.pk)
                  if self.degree is None or d.pk != self.degree.pk]
        found = [d for d in others if rules.matches(self.cols, rules.columns_of(d.data), self.ctx.version)]
        if found:
            raise ApiError(conflict(msg.DUPLICATE_DEGREE, [degree_object(d) for d in found]))

    def validate(self) -> None:
        errors = rules.validate(self.cols, self.ctx.version, self.ctx.today())
        if errors:
            raise ApiError(unprocessable(errors))

    def checks(self) -> dict[str, Any]:
        return {**super().checks(), "state_lock": self.state_lock, "degree": self.find_degree, "data": self.read_data,
                "duplicate": self.duplicates, "validation": self.validate}


@endpoint
async def list_degrees(ctx: RequestContext) -> Response:
    """GET list → 200 ``{"data":[…]}`` sorted by graduation year."""
    trainee = ctx.load_trainee()
    return json_response({"data": [degree_object(d) for d in ctx.store.list_degrees(trainee.pk)]})


@endpoint
async def show_degree(ctx: RequestContext) -> Response:
    """GET one → 200 ``{"data":<Degree>}``."""
    trainee = ctx.load_trainee()
    degree = ctx.store.get_degree(trainee.pk, ctx.path_param("degree_id"))
    if degree is None:
        if is_active("degree-missing-200"):
            return json_response({"data": None})
        raise ApiError(not_found(msg.DEGREE_NOT_FOUND))
    return json_response({"data": degree_object(degree)})


@endpoint
async def create_degree(ctx: RequestContext) -> Response:
    """POST → 201 ``{"data":<Degree>}``; 409 duplicate beats 422 validation."""
    flow = _DegreeWrite(ctx)
    await run_checks("degrees.create", ctx.version, flow.checks())
    row = ctx.store.insert_degree(flow.trainee.pk, rules.to_data(flow.cols))
    return json_response({"data": degree_object(row)}, status=201)


@endpoint
async def update_degree(ctx: RequestContext) -> Response:
    """PUT/PATCH (partial) → 200 ``{"data":<Degree>}``."""
    flow = _DegreeWrite(ctx)
    await run_checks("degrees.update", ctx.version, flow.checks())
    if is_active("degree-update-not-persisted"):  # defect: answered, never saved
        row = flow.degree
        row.data = rules.to_data(flow.cols)
    else:
        row = ctx.store.update_degree(flow.degree, rules.to_data(flow.cols))
    return json_response({"data": degree_object(row)})


@endpoint
async def delete_degree(ctx: RequestContext) -> Response:
    """DELETE → 200 ``{"data":<parent Trainee>}``."""
    flow = _DegreeWrite(ctx)
    await run_checks("degrees.destroy", ctx.version, flow.checks())
    if not is_active("degree-delete-leaves-record"):
        ctx.store.delete_degree(flow.degree)
    trainee = ctx.store.get_trainee_by_pk(flow.trainee.pk) or flow.trainee
    return json_response({"data": trainee_object(ctx.store, trainee, ctx.version, ctx.provider)})


ROUTES: list[Route] = [
    Route(BASE, list_degrees, methods=["GET"]),
    Route(BASE, create_degree, methods=["POST"]),
    Route(BASE + "/{degree_id}", show_degree, methods=["GET"]),
    Route(BASE + "/{degree_id}", update_degree, methods=["PUT", "PATCH"]),
    Route(BASE + "/{degree_id}", delete_degree, methods=["DELETE"]),
]
