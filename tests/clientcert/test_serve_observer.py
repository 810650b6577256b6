"""The observer in process, in front of a stub Register API: what it records, and the late-TRN view of the index."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from register_conformance.clientcert import adverse
from register_conformance.clientcert.adverse import AdversePlan
from register_conformance.clientcert.observer import Recording, observer_app

TOKEN = "stubtoken123"
HELD = "held0000000000000000000a"


def _trainee(trainee_id: str, trn: str | None = "2000001") -> dict:
    return {"trainee_id": trainee_id, "trn": trn, "state": "trn_received" if trn else "submitted_for_trn",
            "updated_at": "2026-01-01T00:00:00.000Z"}


async def _create(request: Request) -> Response:
    return JSONResponse({"data": _trainee(HELD, None)}, status_code=201)


async def _index(request: Request) -> Response:
    if request.query_params.get("status") == "bogus":
        return JSONResponse({"message": "Validation failed", "errors": {"status": ["bogus is not a valid status"]}},
                            status_code=422)
    items = [_trainee(HELD)] if request.query_params.get("has_trn") == "true" else [_trainee(HELD), _trainee("x")]
    return JSONResponse({"data": items, "meta": {"current_page": 1, "total_pages": 1, "total_count": len(items),
                                                 "per_page": 50}})


async def _show(request: Request) -> Response:
    return JSONResponse(_trainee(request.path_params["tid"]))


STUB = Starlette(routes=[Route("/api/v2026.1/trainees", _create, methods=["POST"]),
                         Route("/api/v2026.1/trainees", _index, methods=["GET"]),
                         Route("/api/v2026.1/trainees/{tid}", _show, methods=["GET"])])


def _observe(plan: AdversePlan) -> tuple[Recording, list[httpx.Response]]:
    recording = Recording(plan="full", adverse=plan, api_versions=None, claimed_journeys=None)
    app = observer_app(recording, "http://stub", {TOKEN: "vendor"}, transport=httpx.ASGITransport(app=STUB))

    async def walk() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://observer") as client:
            return [await client.post("/api/v2026.1/trainees", headers=headers, content=json.dumps({"data": {}})),
                    await client.get("/api/v2026.1/trainees", headers=headers, params={"has_trn": "true"}),
                    await client.get("/api/v2026.1/trainees", headers=headers),
                    await client.get(f"/api/v2026.1/trainees/{HELD}", headers=headers),
                    await client.get("/api/v2026.1/trainees", headers=headers, params={"status": "bogus"}),
                    await client.get("/api/v2026.1/trainees", headers={"Authorization": "Bearer someone-else"})]

    return recording, asyncio.run(walk())


def test_exchanges_are_recorded_in_order_with_the_token_redacted() -> None:
    recording, responses = _observe(AdversePlan(0, enabled=False))
    exchanges = recording.exchanges()
    assert [e.seq for e in exchanges] == list(range(len(responses)))
    assert [e.status for e in exchanges] == [r.status_code for r in responses]
    assert [e.client for e in exchanges] == ["vendor"] * 5 + ["unknown"]
    assert exchanges[0].request_header("authorization") == "Bearer [REDACTED]"
    assert all(TOKEN not in repr(e) for e in exchanges)
    assert exchanges[0].request_json() == {"data": {}} and exchanges[0].injected is None


def test_the_late_trn_is_hidden_from_every_read_and_errors_are_left_alone() -> None:
    def late_first(seed: int) -> bool:  # the seed makes the client's first create the late one
        return AdversePlan(seed, kinds=(adverse.LATE_TRN,)).after_create("vendor", "probe") == adverse.LATE_TRN

    plan = AdversePlan(next(s for s in range(100) if late_first(s)), late_trn=600, kinds=(adverse.LATE_TRN,))
    recording, (created, with_trn, index, shown, refused, _) = _observe(plan)
    assert created.status_code == 201
    assert with_trn.status_code == 404 and with_trn.json()["errors"][0]["message"] == "No trainees found"
    assert [t["trn"] for t in index.json()["data"]] == [None, "2000001"] and index.json()["meta"]["total_count"] == 2
    assert shown.json()["trn"] is None and shown.json()["state"] == "submitted_for_trn"
    assert refused.status_code == 422 and "bogus" in refused.text
    assert [i.kind for i in plan.injections] == ["late-trn"] and plan.injections[0].seq == 0
    assert [e.injected for e in recording.exchanges()][:4] == ["late-trn"] * 4


def test_the_live_page_address_without_its_slash_is_redirected_not_forwarded() -> None:
    recording = Recording(plan="full", adverse=AdversePlan(0, enabled=False), api_versions=None, claimed_journeys=None)
    page = Route("/", lambda _request: Response("live page"))
    app = observer_app(recording, "http://stub", {TOKEN: "vendor"}, live_routes=[page],
                       transport=httpx.ASGITransport(app=STUB))

    async def visit() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://observer",
                                     follow_redirects=True) as client:
            return await client.get("/_conformance")

    response = asyncio.run(visit())
    assert response.status_code == 200 and response.text == "live page"
    assert response.url.path == "/_conformance/" and recording.exchanges() == []


def test_the_live_judgement_leaves_unknown_tokens_out_as_finishing_does() -> None:
    recording, _ = _observe(AdversePlan(0, enabled=False))
    assert {e.client for e in recording.exchanges()} == {"vendor", "unknown"}
    named = Recording(plan="full", adverse=AdversePlan(0, enabled=False), api_versions=None, claimed_journeys=None,
                      clients=("vendor",))
    for exchange in recording.exchanges():
        named.add(lambda seq, e=exchange: replace(e, seq=seq))
    live = named.judgement()
    _, final = named.judge_client("vendor")
    assert live.counts == final.counts and live.counts["judged"] == 5
    assert [r["verdict"] for r in live.requirements] == [r["verdict"] for r in final.requirements]
