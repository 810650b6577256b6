"""The adverse responses ``client serve`` injects (plans ``resilience`` and ``full``), decided per client.

Each client meets each kind at most once, at a point chosen from ``--seed`` and the client's name, so a
run is reproducible: the n-th request of that client, or the n-th successful create. Only responses the
real service gives under stress, at points where a correct client can recover (core.md §4, §14;
lifecycle.md §1.4):

* ``rate-limited-429``: ``429`` ``text/plain`` ``Retry later`` with ``Retry-After`` (Rack::Attack); the
  request is not forwarded, so nothing happened.
* ``unavailable-503``: ``503`` with ``Retry-After`` before the request reaches the service.
* ``lost-create``: a ``POST /trainees`` that the service answered ``201`` — the trainee exists — but the
  connection breaks before the answer arrives. Sending the same create again gets ``409`` with the existing
  trainee under ``data`` (the duplicate rule, core.md §14).
* ``late-trn``: the asynchronous TRN of one created trainee is shown no sooner than ``late_trn`` seconds after
  its create (the others arrive when the service gives them).
  Until then every answer shows that trainee as the real service would before its TRN: ``trn`` null,
  ``submitted_for_trn`` instead of ``trn_received``, absent from ``has_trn=true`` lists, and a
  recommendation refused with ``state must be selected as trn_received``. When the TRN arrives its
  ``updated_at`` is the arrival time, so ``since`` polling finds it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from register_conformance.clientcert.judging import Injection

RATE_LIMITED = "rate-limited-429"
UNAVAILABLE = "unavailable-503"
LOST_CREATE = "lost-create"
LATE_TRN = "late-trn"
KINDS = (RATE_LIMITED, UNAVAILABLE, LOST_CREATE, LATE_TRN)

#: What a correct client does next, per kind (shown in the reports).
EXPECTED = {
    RATE_LIMITED: "wait at least Retry-After ({retry_after:g} s) before the next request, then send it again",
    UNAVAILABLE: "wait at least Retry-After ({retry_after:g} s) before the next request, then send it again",
    LOST_CREATE: ("the trainee was created although no answer arrived: find it (send the same create again and "
                  "take the existing trainee from the 409, or list GET /trainees?since=…) — never create a second one"),
    LATE_TRN: ("keep waiting for the TRN politely (GET the trainee or GET /trainees?has_trn=true&since=… at a "
               "bounded rate) and do not recommend for QTS before trn is present"),
}

SUBMITTED = "submitted_for_trn"
TRN_RECEIVED = "trn_received"
RECOMMEND_ROUTES = ("recommend-for-qts", "update-qts-or-eyts-status")
RECOMMEND_REFUSED = {"errors": [{"error": "UnprocessableEntity", "message": "state must be selected as trn_received"}]}


@dataclass
class _Schedule:
    """Where one client meets each adverse response (indices count from 0)."""

    rate_limited_at: int  # n-th request
    unavailable_at: int  # n-th request (never the same as rate_limited_at)
    lost_create_at: int  # n-th successful create
    late_trn_at: int  # n-th successful create (never the lost one)
    requests: int = 0
    creates: int = 0
    done: set[str] = field(default_factory=set)


@dataclass
class _Held:
    """A trainee whose TRN is held back until ``release`` (POSIX seconds)."""

    trainee_id: str
    client: str
    release: float


@dataclass(frozen=True)
class Decision:
    """What to do with one request before it is forwarded."""

    kind: str
    status: int | None = None  # answered by the observer with this status, not forwarded
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    record: bool = True  # a new injection (False: a consequence of one already recorded)


class AdversePlan:
    """The injection schedule for one ``client serve`` run (thread-safe; the observer calls it per request)."""

    def __init__(self, seed: int, *, enabled: bool = True, retry_after: int = 2, late_trn: float = 10.0,
                 kinds: tuple[str, ...] = KINDS) -> None:
        self.seed = seed
        self.enabled = enabled
        self.retry_after = retry_after
        self.late_trn = late_trn
        self.kinds = kinds
        self._schedules: dict[str, _Schedule] = {}
        self._held: dict[str, _Held] = {}
        self._lock = threading.Lock()
        self.injections: list[Injection] = []

    # -- schedule ----------------------------------------------------------------------------------
    def _schedule(self, client: str) -> _Schedule:
        schedule = self._schedules.get(client)
        if schedule is None:
            rng = random.Random(f"{self.seed}:{client}")
            rate_limited = rng.randrange(2, 7)
            unavailable = rng.randrange(8, 15)
            lost = rng.randrange(0, 2)
            schedule = _Schedule(rate_limited, unavailable, lost, 1 - lost + rng.randrange(0, 2) * 2)
            self._schedules[client] = schedule
        return schedule

    def _due(self, schedule: _Schedule, kind: str) -> bool:
        return self.enabled and kind in self.kinds and kind not in schedule.done

    def before_forward(self, client: str, method: str, route: str) -> Decision | None:
        """Called for every request of a known client before it is forwarded; None = forward it."""
        with self._lock:
            schedule = self._schedule(client)
            n = schedule.requests
            schedule.requests += 1
            for kind, at, status, body in ((RATE_LIMITED, schedule.rate_limited_at, 429, "Retry later\n"),
                                           (UNAVAILABLE, schedule.unavailable_at, 503, "Service Unavailable\n")):
                if n == at and self._due(schedule, kind):
                    schedule.done.add(kind)
                    return Decision(kind, status, (("content-type", "text/plain"),
                                                   ("retry-after", str(self.retry_after))), body)
            held = self._held_by_route(client, route)
            if method == "POST" and held is not None and route.rsplit("/", 1)[-1] in RECOMMEND_ROUTES:
                return Decision(LATE_TRN, 422, (("content-type", "application/json; charset=utf-8"),),
                                json.dumps(RECOMMEND_REFUSED), record=False)
        return None

    def after_create(self, client: str, trainee_id: str | None) -> str | None:
        """Called when ``POST /trainees`` got 201; returns the kind to apply to this answer, if any.

        The caller records the injection (``record``) once the exchange has its seq.
        """
        with self._lock:
            schedule = self._schedule(client)
            n = schedule.creates
            schedule.creates += 1
            if n == schedule.lost_create_at and self._due(schedule, LOST_CREATE):
                schedule.done.add(LOST_CREATE)
                return LOST_CREATE
            if n == schedule.late_trn_at and trainee_id and self._due(schedule, LATE_TRN):
                schedule.done.add(LATE_TRN)
                self._held[trainee_id.lower()] = _Held(trainee_id, client, time.time() + self.late_trn)
                return LATE_TRN
        return None

    def owed(self, client: str) -> list[tuple[str, str]]:
        """The adverse responses this client has not met yet, as (kind, when it comes): none when disabled."""
        if not self.enabled:
            return []
        with self._lock:
            schedule = self._schedule(client)
            when = {RATE_LIMITED: ("request", schedule.rate_limited_at, schedule.requests),
                    UNAVAILABLE: ("request", schedule.unavailable_at, schedule.requests),
                    LOST_CREATE: ("successful create", schedule.lost_create_at, schedule.creates),
                    LATE_TRN: ("successful create", schedule.late_trn_at, schedule.creates)}
            return [(kind, f"it comes with the client's {_ordinal(when[kind][1] + 1)} {when[kind][0]}; "
                           f"{when[kind][2]} so far") for kind in KINDS if self._due(schedule, kind)]

    def record(self, seq: int, client: str, kind: str) -> Injection:
        """Record an injection served on exchange ``seq``."""
        retry_after = float(self.retry_after) if kind in (RATE_LIMITED, UNAVAILABLE) else None
        expected = EXPECTED[kind].format(retry_after=retry_after or 0)
        injection = Injection(seq=seq, client=client, kind=kind, retry_after=retry_after, expected=expected)
        with self._lock:
            self.injections.append(injection)
        return injection

    # -- late TRN ------------------------------------------------------------------------------------
    def _held_by_route(self, client: str, route: str) -> _Held | None:
        parts = route.strip("/").split("/")
        if len(parts) >= 2 and parts[0] == "trainees":
            held = self._held.get(parts[1].lower())
            if held and held.client == client and time.time() < held.release:
                return held
        return None

    def late_trainees(self, client: str) -> list[_Held]:
        with self._lock:
            return [h for h in self._held.values() if h.client == client]

    def mask(self, client: str, payload: Any) -> tuple[Any, bool]:
        """A JSON answer (one trainee, or one under ``data``) as it would be before a held trainee's TRN."""
        late = self._late_map(client)
        if not late:
            return payload, False
        if isinstance(payload, dict) and "trainee_id" in payload:
            fixed = self._virtual(late, payload)
            return fixed, fixed is not payload
        if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
            fixed = self._virtual(late, payload["data"])
            return ({**payload, "data": fixed}, True) if fixed is not payload["data"] else (payload, False)
        return payload, False

    def mask_index(self, client: str, payload: Any, query: dict[str, str]) -> tuple[Any, bool, list[str]]:
        """A ``GET /trainees`` answer with held trainees shown, hidden or moved as ``has_trn``/``since`` say.

        Returns (payload, changed, ids of late trainees the answer lacks and may need: the observer reads
        them and offers them to ``admit``).
        """
        late = self._late_map(client)
        if not late:
            return payload, False, []
        items = payload.get("data") if isinstance(payload, dict) else None
        items = list(items) if isinstance(items, list) else []
        changed = False
        kept = []
        for trainee in items:
            fixed = self._virtual(late, trainee)
            changed = changed or fixed is not trainee
            if fixed is not trainee and not _index_visible(fixed, query):
                continue
            kept.append(fixed)
        present = {t.get("trainee_id", "").lower() for t in items if isinstance(t, dict)}
        missing = [h.trainee_id for key, h in late.items() if key not in present]
        if changed:
            payload = {**payload, "data": kept}
            meta = payload.get("meta")
            if isinstance(meta, dict) and isinstance(meta.get("total_count"), int):
                payload["meta"] = {**meta, "total_count": meta["total_count"] - (len(items) - len(kept))}
        return payload, changed, missing

    def admit(self, client: str, trainee: Any, query: dict[str, str]) -> dict | None:
        """A late trainee missing from an index answer, as it belongs there (None: it does not)."""
        late = self._late_map(client)
        if not isinstance(trainee, dict) or not late:
            return None
        fixed = self._virtual(late, trainee)
        if fixed is trainee or not _index_visible(fixed, query):
            return None
        return fixed

    def _late_map(self, client: str) -> dict[str, _Held]:
        with self._lock:
            return {key: h for key, h in self._held.items() if h.client == client}

    @staticmethod
    def _virtual(late: dict[str, _Held], trainee: Any) -> Any:
        """The trainee as the client should see it now (the same object when nothing changes)."""
        if not isinstance(trainee, dict) or not isinstance(trainee.get("trainee_id"), str):
            return trainee
        held = late.get(trainee["trainee_id"].lower())
        if held is None:
            return trainee
        if time.time() < held.release:
            if trainee.get("trn") is None and trainee.get("state") != TRN_RECEIVED:
                return trainee
            fixed = {**trainee, "trn": None}
            if fixed.get("state") == TRN_RECEIVED:
                fixed["state"] = SUBMITTED
            return fixed
        stamp = _stamp(held.release)
        if isinstance(trainee.get("updated_at"), str) and trainee["updated_at"] < stamp:
            return {**trainee, "updated_at": stamp}
        return trainee


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _stamp(posix: float) -> str:
    moment = datetime.fromtimestamp(posix, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_since(since: str) -> datetime | None:
    try:
        bound = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        return None
    return bound if bound.tzinfo else bound.replace(tzinfo=UTC)


def _index_visible(trainee: dict, query: dict[str, str]) -> bool:
    """Whether ``trainee`` (as the client sees it) matches the ``has_trn`` and ``since`` filters (core.md §7.1)."""
    has_trn = query.get("has_trn", "")
    if has_trn == "true" and trainee.get("trn") is None:
        return False
    if has_trn and has_trn != "true" and trainee.get("trn") is not None:
        return False
    since = _parse_since(query["since"]) if query.get("since") else None
    updated = _parse_since(trainee.get("updated_at") or "")
    return not (since and updated and updated < since)
