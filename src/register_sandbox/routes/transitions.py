"""State-changing endpoints: withdraw (§5), defer (§6), recommend-for-qts and
update-qts-or-eyts-status (§7). Checks run in the §2.3 order from ``matrix.PRECEDENCE``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from register_sandbox.defects import is_active
from register_sandbox.lifecycle import messages as msg
from register_sandbox.lifecycle import transitions as rules
from register_sandbox.lifecycle.flow import checks_for, run_checks
from register_sandbox.lifecycle.guards import Guards
from register_sandbox.lifecycle.state_machine import apply, can
from register_sandbox.pipeline import RequestContext, endpoint
from register_sandbox.responses import ApiError, json_response, state_transition_error, unprocessable
from register_sandbox.serializers import trainee_object
from register_sandbox.timefmt import parse_iso_date, ts_s

BASE = "/api/{version}/trainees/{trainee_id}"


def _itt_start(trainee: Any) -> Any:
    return parse_iso_date(trainee.data.get("itt_start_date"))


def _ok(ctx: RequestContext, trainee: Any, status: int = 200) -> Response:
    return json_response({"data": trainee_object(ctx.store, trainee, ctx.version, ctx.provider)}, status=status)


@checks_for("withdraw")
class _Withdraw(Guards):
    async def read_data(self) -> None:
        scalars, arrays = rules.withdraw_permitted(self.ctx.version)
        self.data = await self.ctx.data(scalars, arrays=arrays)

    def check_state(self) -> None:
        allowed = rules.withdraw_allowed(self.trainee.state, _itt_start(self.trainee),
                                         self.trainee.data.get("_commencement_status"),
                                         self.ctx.today(), self.ctx.version)
        if not allowed and not (self.trainee.state == "withdrawn" and is_active("sm-withdraw-twice")):
            raise ApiError(state_transition_error())

    def validate(self) -> None:
        if rules.other_withdraw_date_key(self.ctx.version) in self.data:
            # The versioned validator has no such attribute: the service raises (§8.2, unverified).
            raise ApiError(json_response({"error": "Internal server error"}, status=500))
        errors = rules.validate_withdraw(self.data, _itt_start(self.trainee), self.ctx.version)
        if errors:
            raise ApiError(unprocessable(errors))

    def checks(self) -> dict[str, Any]:
        return {**super().checks(), "data": self.read_data, "withdraw_state": self.check_state,
                "validation": self.validate}


@endpoint
async def withdraw(ctx: RequestContext) -> Response:
    """POST …/withdraw → 200 ``{"data":<Trainee>}`` in state ``withdrawn``."""
    flow = _Withdraw(ctx)
    await run_checks("withdraw", ctx.version, flow.checks())
    trainee = flow.trainee
    new_state = "withdrawn" if trainee.state == "withdrawn" else apply("withdraw", trainee.state)
    record = rules.withdrawal_record(flow.data, ctx.version)
    with ctx.store.transaction():
        ctx.store.insert_withdrawal(trainee.pk, record)
        if is_active("withdraw-not-persisted"):
            trainee.state = new_state  # answered as withdrawn, but never saved
        else:
            ctx.store.set_state(trainee, new_state)
    return _ok(ctx, trainee)


@checks_for("defer")
class _Defer(Guards):
    async def read_data(self) -> None:
        self.data = await self.ctx.data(rules.DEFER_PERMITTED)

    def validate(self) -> None:
        errors = rules.validate_defer_fields(self.data)
        if errors:
            raise ApiError(unprocessable(errors))

    def check_state(self) -> None:
        state = self.trainee.state
        if not can("defer", state) and not (state == "deferred" and is_active("defer-wrong-state")):
            raise ApiError(unprocessable([msg.DEFER_STATE]))

    def checks(self) -> dict[str, Any]:
        return {**super().checks(), "data": self.read_data, "validation": self.validate,
                "defer_state": self.check_state}


@endpoint
async def defer(ctx: RequestContext) -> Response:
    """POST …/defer → 200 ``{"data":<Trainee>}`` in state ``deferred``."""
    flow = _Defer(ctx)
    await run_checks("defer", ctx.version, flow.checks())
    trainee = flow.trainee
    new_state = "deferred" if trainee.state == "deferred" else apply("defer", trainee.state)
    if is_active("sm-defer-state-unchanged"):  # defect: the deferral fields are saved, the state is not
        new_state = trainee.state
    ctx.store.set_state(trainee, new_state, **rules.defer_changes(flow.data))
    return _ok(ctx, trainee)


@checks_for("recommend")
class _Recommend(Guards):
    async def read_data(self) -> None:
        self.data = await self.ctx.data(rules.RECOMMEND_PERMITTED)

    def validate_all(self) -> None:
        store, trainee = self.ctx.store, self.trainee
        errors = rules.validate_recommend(
            self.data, state=trainee.state, itt_start_date=_itt_start(trainee),
            training_route=trainee.data.get("training_route"),
            degree_count=len(store.list_degrees(trainee.pk)),
            placement_count=len(store.list_placements(trainee.pk)),
            today=self.ctx.today())
        if errors:
            raise ApiError(unprocessable(errors))

    def checks(self) -> dict[str, Any]:
        return {**super().checks(), "data": self.read_data, "recommend_all": self.validate_all}


@endpoint
async def recommend(ctx: RequestContext) -> Response:
    """POST …/recommend-for-qts or …/update-qts-or-eyts-status → **202** ``{"data":<Trainee>}``."""
    flow = _Recommend(ctx)
    await run_checks("recommend", ctx.version, flow.checks())
    trainee = flow.trainee
    met = parse_iso_date(flow.data["qts_standards_met_date"])
    ctx.store.set_state(trainee, apply("recommend_for_award", trainee.state),
                        outcome_date=met.isoformat() if met else None,
                        recommended_for_award_at=ts_s(ctx.now()))
    ctx.store.schedule_award(trainee)
    return _ok(ctx, trainee, status=200 if is_active("recommend-status-200") else 202)


ROUTES: list[Route] = [
    Route(BASE + "/withdraw", withdraw, methods=["POST"]),
    Route(BASE + "/defer", defer, methods=["POST"]),
    Route(BASE + "/recommend-for-qts", recommend, methods=["POST"]),
    Route(BASE + "/update-qts-or-eyts-status", recommend, methods=["POST"]),
]
