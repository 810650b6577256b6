"""Scenario steps: one method per API call of the lifecycle, with URLs, envelopes and bookkeeping hidden.

``Lifecycle`` wraps an ``ApiClient``. Raw methods (``create``, ``withdraw``, ``add_degree`` …) return
the response so a test can assert any outcome; ``new_trainee`` / ``trainee`` assert success and
return the JSON. Every response passes through the schema validator (if one is configured) and
every created trainee, degree and placement is registered with the cleanup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from register_conformance.client import ApiClient, parse_retry_after
from register_conformance.expect import expect_json, expect_status, fail
from register_conformance.failures import RequirementFailure
from register_conformance.lifecycle.compare import async_edge_seen, expect_fields, not_before, trn_may_arrive
from register_conformance.lifecycle.data import TraineeData
from register_conformance.lifecycle.facts import NO_TRAINEES_FOUND, SUBMITTED, TRN_RECEIVED, not_found_body
from register_conformance.lifecycle.trn_wait import TrnWait
from register_conformance.requirements import get as requirement

_UNSET: Any = object()
Validator = Callable[[httpx.Response], None]


@contextmanager
def step(requirement_id: str, title: str) -> Iterator[None]:
    """A scenario step: a failure inside is a ``RequirementFailure`` of this step's requirement.

    It reads "[ID] title" first and keeps the exchange that showed it; a failure that already names
    a requirement (the response schema check, ``LC-SCHEMA``) keeps its own id.
    """
    __tracebackhide__ = True
    requirement(requirement_id)  # an unknown id is a configuration error, not a silent label
    try:
        yield
    except RequirementFailure as exc:
        raise exc.named(requirement_id, title) from None
    except (pytest.fail.Exception, AssertionError) as exc:
        text = exc.msg if isinstance(exc, pytest.fail.Exception) else str(exc)
        raise RequirementFailure(f"[{requirement_id}] {title}\n{text}", requirement_id=requirement_id,
                                 title=title) from None


class Lifecycle:
    """The lifecycle endpoints of one target, version and provider."""

    def __init__(self, api: ApiClient, data: TraineeData, *, validate: Validator | None = None,
                 cleanup: Any = None, trn: TrnWait | None = None) -> None:
        self.api = api
        self.data = data
        self.validate = validate
        self.cleanup = cleanup
        self.trn = trn if trn is not None else TrnWait()

    @property
    def version(self) -> str:
        return self.api.api_version

    def as_client(self, api: ApiClient) -> Lifecycle:
        """The same steps sent with another client (another provider, or none); no cleanup."""
        return Lifecycle(api, self.data, validate=self.validate, cleanup=None, trn=self.trn)

    # -- transport ---------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = _UNSET, *, envelope: Any = _UNSET,
             params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """Send one request; ``body`` is wrapped as ``{"data": body}``, ``envelope`` is sent as is."""
        kwargs: dict[str, Any] = {"params": params, "headers": headers}
        if envelope is not _UNSET:
            kwargs["json"] = envelope
        elif body is not _UNSET:
            kwargs["json"] = {"data": body}
        response = self.api.request(method, path, **kwargs)
        if self.validate is not None:
            self.validate(response)
        return response

    # -- trainees ----------------------------------------------------------------------------------
    def create(self, body: Any = _UNSET, **kw: Any) -> httpx.Response:
        response = self.call("POST", "/trainees", body, **kw)
        trainee_id = _data(response).get("trainee_id") if response.status_code == 201 else None
        if isinstance(trainee_id, str):
            self.trn.created(trainee_id)
        if response.status_code == 201 and self.cleanup is not None:
            self.cleanup.trainee(trainee_id)
        return response

    def new_trainee(self, route: str = "12", **kw: Any) -> dict[str, Any]:
        """Create a valid trainee (see ``TraineeData.trainee``); assert 201; return ``data``."""
        __tracebackhide__ = True
        response = expect_status(self.create(self.data.trainee(route, **kw)), 201)
        return _data(response)

    def show(self, trainee_id: str, **kw: Any) -> httpx.Response:
        return self.call("GET", f"/trainees/{trainee_id}", **kw)

    def trainee(self, trainee_id: str) -> dict[str, Any]:
        """GET the trainee; assert 200 and an unwrapped object (core.md §8)."""
        __tracebackhide__ = True
        return self.trainee_body(trainee_id, expect_status(self.show(trainee_id), 200))

    def trainee_body(self, trainee_id: str, response: httpx.Response) -> dict[str, Any]:
        """The trainee object of a 200 ``GET /trainees/{id}``; fail unless it is unwrapped (core.md §8)."""
        __tracebackhide__ = True
        body = expect_json(response)
        if not isinstance(body, dict) or body.get("trainee_id") != trainee_id:
            fail(f"Unexpected trainee body\nReceived: {str(body)[:300]}\nExpected: the trainee object "
                 f"with trainee_id {trainee_id!r} at the top level", response)
        return body

    def expect_unchanged(self, before: dict[str, Any]) -> dict[str, Any]:
        """Re-read the trainee and fail unless it equals ``before``.

        The target's asynchronous edges (TRN assigned, award) are tolerated, including the
        ``updated_at`` they bump; nothing else may change.
        """
        __tracebackhide__ = True
        after = self.trainee(before["trainee_id"])
        changed = trn_may_arrive(before)
        if async_edge_seen(before, after):
            changed["updated_at"] = not_before(before["updated_at"])
        expect_fields(after, before, changed=changed)
        return after

    def update(self, trainee_id: str, body: Any = _UNSET, *, method: str = "PUT", **kw: Any) -> httpx.Response:
        return self.call(method, f"/trainees/{trainee_id}", body, **kw)

    # -- transitions -------------------------------------------------------------------------------
    def withdraw(self, trainee_id: str, body: Any = _UNSET, **kw: Any) -> httpx.Response:
        if body is _UNSET and "envelope" not in kw:
            body = self.data.withdrawal()
        response = self.call("POST", f"/trainees/{trainee_id}/withdraw", body, **kw)
        if response.status_code == 200 and self.cleanup is not None:
            self.cleanup.withdrawn(trainee_id)
        return response

    def defer(self, trainee_id: str, body: Any = _UNSET, **kw: Any) -> httpx.Response:
        if body is _UNSET and "envelope" not in kw:
            body = self.data.deferral()
        return self.call("POST", f"/trainees/{trainee_id}/defer", body, **kw)

    def recommend(self, trainee_id: str, body: Any = _UNSET, *, path: str = "recommend-for-qts",
                  **kw: Any) -> httpx.Response:
        if body is _UNSET and "envelope" not in kw:
            body = self.data.recommendation()
        return self.call("POST", f"/trainees/{trainee_id}/{path}", body, **kw)

    # -- degrees -----------------------------------------------------------------------------------
    def degrees(self, trainee_id: str, **kw: Any) -> httpx.Response:
        return self.call("GET", f"/trainees/{trainee_id}/degrees", **kw)

    def degree(self, trainee_id: str, degree_id: str, **kw: Any) -> httpx.Response:
        return self.call("GET", f"/trainees/{trainee_id}/degrees/{degree_id}", **kw)

    def add_degree(self, trainee_id: str, body: Any = _UNSET, **kw: Any) -> httpx.Response:
        response = self.call("POST", f"/trainees/{trainee_id}/degrees", body, **kw)
        if response.status_code == 201 and self.cleanup is not None:
            self.cleanup.degree(trainee_id, _data(response).get("degree_id"))
        return response

    def update_degree(self, trainee_id: str, degree_id: str, body: Any = _UNSET, *, method: str = "PUT",
                      **kw: Any) -> httpx.Response:
        return self.call(method, f"/trainees/{trainee_id}/degrees/{degree_id}", body, **kw)

    def delete_degree(self, trainee_id: str, degree_id: str, **kw: Any) -> httpx.Response:
        return self.call("DELETE", f"/trainees/{trainee_id}/degrees/{degree_id}", **kw)

    # -- placements --------------------------------------------------------------------------------
    def placements(self, trainee_id: str, **kw: Any) -> httpx.Response:
        return self.call("GET", f"/trainees/{trainee_id}/placements", **kw)

    def placement(self, trainee_id: str, placement_id: str, **kw: Any) -> httpx.Response:
        return self.call("GET", f"/trainees/{trainee_id}/placements/{placement_id}", **kw)

    def add_placement(self, trainee_id: str, body: Any = _UNSET, **kw: Any) -> httpx.Response:
        response = self.call("POST", f"/trainees/{trainee_id}/placements", body, **kw)
        if response.status_code == 201 and self.cleanup is not None:
            self.cleanup.placement(trainee_id, _data(response).get("placement_id"))
        return response

    def update_placement(self, trainee_id: str, placement_id: str, body: Any = _UNSET, *, method: str = "PUT",
                         **kw: Any) -> httpx.Response:
        return self.call(method, f"/trainees/{trainee_id}/placements/{placement_id}", body, **kw)

    def delete_placement(self, trainee_id: str, placement_id: str, **kw: Any) -> httpx.Response:
        return self.call("DELETE", f"/trainees/{trainee_id}/placements/{placement_id}", **kw)

    # -- the asynchronous TRN edge -------------------------------------------------------------------
    def wait_for_trn(self, trainee_id: str) -> dict[str, Any]:
        """Read the trainee until it is ``trn_received``; skip (not fail) when the target is too slow.

        At most ``trn.reads`` reads (see ``TrnWait``): the first when a trainee of this run last had
        its TRN at that age (1/30 of the timeout for the first wait), the last ``--trn-timeout`` s after
        the wait began. A ``Retry-After`` on a read puts the next one off at least that long.
        """
        __tracebackhide__ = True
        times = self.trn.schedule(trainee_id)
        not_before = 0.0
        for n, at in enumerate(times):
            last = n == len(times) - 1
            if at < not_before and not last:
                continue
            self.trn.until(at, not_before - self.trn.clock())
            response = expect_status(self.show(trainee_id), 200)
            body = self.trainee_body(trainee_id, response)
            if body.get("state") == TRN_RECEIVED and body.get("trn"):
                self.trn.seen(trainee_id, missed=n > 0)
                return body
            if body.get("state") not in (SUBMITTED, TRN_RECEIVED):
                fail(f"Unexpected state while waiting for a TRN\nReceived: {body.get('state')!r}\n"
                     f"Expected: {SUBMITTED!r} then {TRN_RECEIVED!r}")
            if "retry-after" in response.headers:
                not_before = self.trn.clock() + parse_retry_after(response.headers["retry-after"])
        pytest.skip(f"target did not assign a TRN within {self.trn.timeout:g}s (trainee {trainee_id}); "
                    "raise --trn-timeout for a hosted environment")

    # -- index -------------------------------------------------------------------------------------
    def index(self, **params: Any) -> httpx.Response:
        return self.call("GET", "/trainees", params={k: v for k, v in params.items() if v is not None})

    def index_ids(self, **params: Any) -> list[str]:
        """Trainee ids of every page of ``GET /trainees`` (``per_page`` 100), in order; 404 → ``[]``.

        Pass a ``since`` bound so a busy target is not paged through in full.
        """
        __tracebackhide__ = True
        ids: list[str] = []
        page = 1
        while True:
            response = self.index(**{"per_page": 100, **params, "page": page})
            if response.status_code == 404:
                body = expect_json(response)
                if body != not_found_body(NO_TRAINEES_FOUND):
                    fail(f"Unexpected 404 body for an empty index\nReceived: {body!r}\n"
                         f"Expected: {not_found_body(NO_TRAINEES_FOUND)!r}", response)
                return ids
            expect_status(response, 200)
            body = expect_json(response)
            ids.extend(t.get("trainee_id") for t in body.get("data", []))
            meta = body.get("meta") or {}
            if page >= int(meta.get("total_pages") or 0) or page >= 50:
                return ids
            page += 1


def _data(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body.get("data", {}) if isinstance(body, dict) else {}


def data_of(response: httpx.Response) -> Any:
    """The ``data`` member of a wrapped response (asserting it is JSON with a ``data`` key)."""
    __tracebackhide__ = True
    body = expect_json(response)
    if not isinstance(body, dict) or "data" not in body:
        fail(f"Expected a body wrapped in 'data'\nReceived: {str(body)[:300]}", response)
    return body["data"]
