"""Bind generated cases to real resources and valid data, so acceptance is actually tested.

A generated ``trainee_id`` is random, so nearly every request would end in 404; a generated
create body breaks cross-field rules, so nearly every create would end in 422. Before each call
(Schemathesis ``before_call`` hook, which re-checks the case's positive/negative metadata after
our edits) the ``Binder``:

* puts real ids into the path of cases whose path is not the negative part (not in the stateful
  phase, whose ids come from OpenAPI links), creating what the operation consumes (a degree to
  delete, a trainee to defer, withdraw or recommend);
* replaces positive request bodies by valid ones (``generation.Builder.repair_*``), keeping the
  generator's free-text values.

Resources are created through the suite's ``ApiClient`` (same throttle and counters) and carry
the run id in their names and emails.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable
from typing import Any

from register_conformance.client import ApiClient
from register_conformance.generation import Builder

# Operations that use up the resource in their path when they succeed.
CONSUMING = {
    ("POST", "/defer"): "defer",
    ("POST", "/withdraw"): "withdraw",
    ("POST", "/recommend-for-qts"): "recommend",
    ("POST", "/update-qts-or-eyts-status"): "recommend",
}


class BindingError(RuntimeError):
    """The target refused to create a resource the suite needs (reported, not a conformance failure)."""


class Binder:
    """Pool of real resources of provider A plus the body repairs, for one API version."""

    def __init__(self, api: ApiClient, builder: Builder, seed: int | None = None, *, trn_wait: float = 5.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        import time

        self.api = api
        self.trn_wait = trn_wait
        self.sleep = sleep or time.sleep
        self.builder = builder
        self.rnd = random.Random(seed if seed is not None else 0)
        self._lock = threading.RLock()
        self._pool: dict[str, dict[str, Any]] = {}
        self.created = 0
        self.problems: list[str] = []
        self._bound: set[str] = set()
        self._spares: dict[str, list[dict[str, Any]]] = {}
        self.seen_ids: set[str] = set()

    def claim(self, case: Any) -> bool:
        """True the first time ``case`` is seen (checks that re-send a case must not rebind it)."""
        with self._lock:
            if case.id in self._bound:
                return False
            self._bound.add(case.id)
            return True

    # -- resources -------------------------------------------------------------------------------
    def _create_trainee(self, **kw: Any) -> dict[str, Any]:
        body = self.builder.trainee(self.rnd, **kw)
        response = self.api.post("/trainees", json={"data": body})
        # Any 2xx with a trainee will do here: a wrong success status is the schema tests' finding to report.
        if not (200 <= response.status_code < 300 and isinstance(_data(response), dict)):
            message = f"creating a {kw.get('kind') or 'random'} trainee answered {response.status_code}"
            self.problems.append(f"{message}: {response.text[:300]}")
            raise BindingError(message)
        self.created += 1
        return _data(response)

    def trainee(self, role: str) -> dict[str, Any]:
        """The trainee used for ``role`` (``reader``, ``defer``, ``withdraw``, ``recommend``)."""
        with self._lock:
            if role not in self._pool:
                if role == "reader":
                    t = self._create_trainee(kind="postgrad", placements=1)
                elif role == "recommend":
                    # Undergraduate (no degree needed) with the two placements most routes need (lifecycle.md §7.3).
                    t = self._create_trainee(kind="undergrad", placements=2)
                else:
                    t = self._create_trainee()
                self._pool[role] = t
            if role == "recommend" and self._pool[role].get("state") != "trn_received":
                self._pool[role] = self._await_trn(self._pool[role])
            return self._pool[role]

    def release(self, role: str) -> None:
        """Forget the trainee of ``role`` (it was used up); the next one is the oldest spare, and a new
        spare joins the back of the queue (its TRN arrives while the others are used)."""
        with self._lock:
            self._pool.pop(role, None)
            spares = self._spares.get(role)
            if spares:
                self._pool[role] = spares.pop(0)
                with contextlib.suppress(BindingError):
                    spares.append(self._create_trainee(kind="undergrad", placements=2))

    def _await_trn(self, trainee: dict[str, Any]) -> dict[str, Any]:
        """Poll the trainee until it is ``trn_received`` (at most ``trn_wait`` seconds); recommend needs it."""
        waited = 0.0
        while trainee.get("state") != "trn_received" and waited < self.trn_wait:
            response = self.api.get(f"/trainees/{trainee['trainee_id']}")
            if response.status_code != 200:
                break
            trainee = response.json()
            if trainee.get("state") == "trn_received":
                break
            self.sleep(0.25)
            waited += 0.25
        return trainee

    def warm_up(self, recommend_spares: int = 3) -> None:
        """Create the shared trainee and the ones recommend needs early: a TRN arrives asynchronously."""
        with self._lock:
            self.trainee("reader")
            self.trainee("recommend")
            spares = self._spares.setdefault("recommend", [])
            while len(spares) < recommend_spares:
                spares.append(self._create_trainee(kind="undergrad", placements=2))

    def degree_id(self, trainee: dict[str, Any], fresh: bool) -> str:
        degrees = trainee.get("degrees") or []
        if degrees and not fresh:
            return degrees[0]["degree_id"]
        # Degrees of one trainee must differ (409 duplicate, lifecycle.md §3.5). Subject and graduation year
        # are always compared, so a pair no existing degree has cannot be a duplicate; fuzzed cases may have
        # added many degrees to this trainee, so read them after a conflict and draw outside them.
        taken: set[tuple[str, str]] = set()
        for attempt in range(10):
            body = {"data": self.builder.degree(self.rnd)}
            if (str(body["data"]["subject"]), str(body["data"]["graduation_year"])) in taken:
                continue
            response = self.api.post(f"/trainees/{trainee['trainee_id']}/degrees", json=body)
            if response.status_code != 409:
                break
            if attempt == 0:
                listed = self.api.get(f"/trainees/{trainee['trainee_id']}/degrees")
                taken = {(str(d.get("subject")), str(d.get("graduation_year"))) for d in _objects(listed.json())
                         } if listed.status_code == 200 else set()
        if response.status_code != 201:
            self.problems.append(f"creating a degree answered {response.status_code}: {response.text[:300]}")
            raise BindingError(f"creating a degree answered {response.status_code}")
        return response.json()["data"]["degree_id"]

    def placement_id(self, trainee: dict[str, Any], fresh: bool) -> str:
        placements = trainee.get("placements") or []
        if placements and not fresh:
            return placements[0]["placement_id"]
        body = {"data": self.builder.placement(self.rnd)}
        response = self.api.post(f"/trainees/{trainee['trainee_id']}/placements", json=body)
        if response.status_code != 201:
            self.problems.append(f"creating a placement answered {response.status_code}: {response.text[:300]}")
            raise BindingError(f"creating a placement answered {response.status_code}")
        return response.json()["data"]["placement_id"]

    # -- the hook --------------------------------------------------------------------------------
    def bind(self, case: Any) -> None:
        """Edit ``case`` in place before it is sent (see module docstring)."""
        from schemathesis.core.parameters import ParameterLocation

        meta = case.meta
        phase = getattr(getattr(meta, "phase", None), "name", None)
        stateful = str(getattr(phase, "value", phase)) == "stateful"
        method = case.method.upper()
        path = case.path
        tail = path.split("/trainees/{trainee_id}")[-1] if "{trainee_id}" in path else ""
        path_negative = _is_negative(meta, ParameterLocation.PATH)
        body_negative = _is_negative(meta, ParameterLocation.BODY)
        with self._lock:
            # Stateful ids come from links (ids we have seen in responses); random root ids are rebound.
            ids = [str(v) for k, v in (case.path_parameters or {}).items() if k.endswith("_id")]
            from_link = stateful and ids and all(i in self.seen_ids for i in ids)
            if "{trainee_id}" in path and not from_link and not path_negative:
                role = CONSUMING.get((method, tail), "reader")
                trainee = self.trainee(role)
                params = dict(case.path_parameters or {})
                params["trainee_id"] = trainee["trainee_id"]
                if "{degree_id}" in path:
                    params["degree_id"] = self.degree_id(trainee, fresh=method == "DELETE")
                if "{placement_id}" in path:
                    params["placement_id"] = self.placement_id(trainee, fresh=method == "DELETE")
                case.path_parameters = params
            if method == "GET" and path.endswith("/trainees") and not _is_negative(meta, ParameterLocation.QUERY):
                self.trainee("reader")
                case.query = self.repair_index_query(case.query)
            if case.body is not None and not body_negative and _has_body(case):
                repair = self._repair_for(method, path, tail)
                if repair is not None:
                    case.body = repair(case.body)

    def repair_index_query(self, query: Any) -> dict[str, Any]:
        """Keep the generated filters but aim them at data that exists: the current cycle, a past
        ``since``, the first pages (core.md §7.1)."""
        out = dict(query or {})
        start = self.builder.dates.cycle_start
        if "academic_cycle" in out and str(out["academic_cycle"]).strip()[:4] != str(start.year):
            out["academic_cycle"] = str(start.year)
        if "since" in out and str(out["since"])[:10] > self.builder.today.isoformat():
            out["since"] = start.isoformat()
        if isinstance(out.get("page"), int) and out["page"] > 1:
            out["page"] = 1
        return out

    def _repair_for(self, method: str, path: str, tail: str) -> Callable[[Any], Any] | None:
        b, rnd = self.builder, self.rnd
        if method == "POST" and path.endswith("/trainees"):
            return lambda body: b.repair_create(body, rnd)
        if method in ("PUT", "PATCH") and path.endswith("{trainee_id}"):
            return lambda body: b.repair_update(body, rnd)
        if path.endswith("/degrees") or path.endswith("{degree_id}"):
            return lambda body: b.repair_degree(body, rnd, partial=method != "POST")
        if path.endswith("/placements") or path.endswith("{placement_id}"):
            return lambda body: b.repair_placement(body, rnd, partial=method != "POST")
        simple = {"/defer": b.defer, "/withdraw": b.withdraw, "/recommend-for-qts": b.recommend,
                  "/update-qts-or-eyts-status": b.recommend}
        if tail in simple:
            return lambda body: {"data": simple[tail](rnd)}
        return None

    def after_response(self, case: Any, status: int, body: Any = None) -> None:
        """Remember ids the API returned; release consumed resources after a success."""
        if not 200 <= status < 300:
            return
        for item in _objects(body):
            for key in ("trainee_id", "degree_id", "placement_id"):
                if isinstance(item.get(key), str):
                    self.seen_ids.add(item[key])
        tail = case.path.split("/trainees/{trainee_id}")[-1] if "{trainee_id}" in case.path else ""
        role = CONSUMING.get((case.method.upper(), tail))
        if role:
            self.release(role)


def _objects(body: Any) -> list[dict[str, Any]]:
    """The top-level object, its ``data`` object(s) and nested degrees/placements of a response body."""
    out: list[dict[str, Any]] = []
    if isinstance(body, dict):
        out.append(body)
        data = body.get("data")
        out.extend(d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict))
    for item in list(out):
        for key in ("degrees", "placements"):
            out.extend(d for d in item.get(key) or [] if isinstance(d, dict))
    return out


def _data(response: Any) -> Any:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("data") if isinstance(body, dict) else None


def _is_negative(meta: Any, location: Any) -> bool:
    if meta is None:
        return False
    component = getattr(meta, "components", {}).get(location)
    return bool(component is not None and component.mode.is_negative)


def _has_body(case: Any) -> bool:
    from schemathesis.core import NOT_SET

    return case.body is not NOT_SET


# -- the global hook (Schemathesis dispatches before_call only to global hooks) ------------------
_ACTIVE: list[Binder] = []


def activate(binder: Binder | None) -> None:
    """Make ``binder`` the one the ``before_call`` hook uses (``None`` disables binding)."""
    _ACTIVE[:] = [binder] if binder else []


def active() -> Binder | None:
    return _ACTIVE[0] if _ACTIVE else None


def _register_hook() -> None:
    import schemathesis

    @schemathesis.hook("before_call")
    def register_bind_case(context: Any, case: Any, kwargs: Any) -> None:
        binder = active()
        if binder is not None and binder.claim(case):
            binder.bind(case)


_register_hook()
