"""``/trainees/{trainee_id}/placements`` endpoints (lifecycle.md §4.4), checks ordered per §2.3."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox.defects import is_active
from register_sandbox.lifecycle import messages as msg
from register_sandbox.lifecycle import placements as rules
from register_sandbox.lifecycle.flow import checks_for, run_checks
from register_sandbox.lifecycle.guards import Guards
from register_sandbox.lifecycle.matrix import api_version
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import ApiError, json_response, not_found, unprocessable
from register_sandbox.serializers import placement_object, trainee_object

BASE = "/api/{version}/trainees/{trainee_id}/placements"


@checks_for("placements.create", "placements.update", "placements.destroy")
class _PlacementWrite(Guards):
    cols: dict[str, Any]
    placement: Any = None

    def find_placement(self) -> None:
        self.placement = self.ctx.store.get_placement(self.trainee.pk, self.ctx.path_param("placement_id"))
        if self.placement is None:
            raise ApiError(not_found(msg.PLACEMENT_NOT_FOUND))

    async def read_data(self) -> None:
        if self.placement is None:  # POST permits (and discards) the trainee-level mapper keys too
            extra = rules.POST_EXTRA.get(api_version(self.ctx.version), ())
            self.data = await self.ctx.data((*rules.PERMITTED, *extra))
            self.cols = rules.map_input({k: v for k, v in self.data.items() if k in rules.PERMITTED})
        else:
            self.data = await self.ctx.data(rules.PERMITTED)
            self.cols = rules.merge_update(rules.columns_of(self.placement.data), self.data)

    def validate(self) -> None:
        errors = rules.validate(self.cols)
        if errors:
            raise ApiError(unprocessable(errors))

    def checks(self) -> dict[str, Any]:
        return {**super().checks(), "state_lock": self.state_lock, "placement": self.find_placement,
                "data": self.read_data, "validation": self.validate}


@endpoint
async def list_placements(ctx: RequestContext) -> Response:
    """GET list → 200 ``{"data":[…]}`` in creation order."""
    trainee = ctx.load_trainee()
    return json_response({"data": [placement_object(p) for p in ctx.store.list_placements(trainee.pk)]})


@endpoint
async def show_placement(ctx: RequestContext) -> Response:
    """GET one → 200 ``{"data":<Placement>}``."""
    trainee = ctx.load_trainee()
    placement = ctx.store.get_placement(trainee.pk, ctx.path_param("placement_id"))
    if placement is None:
        raise ApiError(not_found(msg.PLACEMENT_NOT_FOUND))
    return json_response({"data": placement_object(placement)})


@endpoint
async def create_placement(ctx: RequestContext) -> Response:
    """POST → 201 ``{"data":<Placement>}`` (no duplicate check, no limit)."""
    flow = _PlacementWrite(ctx)
    await run_checks("placements.create", ctx.version, flow.checks())
    row = ctx.store.insert_placement(flow.trainee.pk, rules.to_data(flow.cols))
    return json_response({"data": placement_object(row)}, status=201)


@endpoint
async def update_placement(ctx: RequestContext) -> Response:
    """PUT/PATCH (partial; drops a school link unless a known URN is sent) → 200."""
    flow = _PlacementWrite(ctx)
    await run_checks("placements.update", ctx.version, flow.checks())
    row = ctx.store.update_placement(flow.placement, rules.to_data(flow.cols))
    return json_response({"data": placement_object(row)})


@endpoint
async def delete_placement(ctx: RequestContext) -> Response:
    """DELETE → 200 ``{"data":<parent Trainee>}``."""
    flow = _PlacementWrite(ctx)
    await run_checks("placements.destroy", ctx.version, flow.checks())
    if not is_active("placement-delete-leaves-record"):
        ctx.store.delete_placement(flow.placement)
    trainee = ctx.store.get_trainee_by_pk(flow.trainee.pk) or flow.trainee
    return json_response({"data": trainee_object(ctx.store, trainee, ctx.version, ctx.provider)})


ROUTES: list[Route] = [
    Route(BASE, list_placements, methods=["GET"]),
    Route(BASE, create_placement, methods=["POST"]),
    Route(BASE + "/{placement_id}", show_placement, methods=["GET"]),
    Route(BASE + "/{placement_id}", update_placement, methods=["PUT", "PATCH"]),
    Route(BASE + "/{placement_id}", delete_placement, methods=["DELETE"]),
]
