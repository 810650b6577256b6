"""Reaction judgements: what a client did *after* a response (resends, waits, rate, recovery, polling, state).

Each function walks one client's exchanges in arrival order once (linear time) and records findings in a
``Ledger``. The bounds are the facts' (core.md §4: 100 requests per 60 s, ``Retry-After``) or stated here
(``POLL_MIN_GAP``/``POLL_MAX_STREAK`` for TRN waiting, lifecycle.md §1.4: the TRN arrives about a minute
after the create).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from itertools import pairwise
from typing import Any

from register_conformance.clientcert.exchange import Exchange
from register_conformance.clientcert.rules_request import TRAINEE_WRITES, Operation, operation_of
from register_conformance.lifecycle import facts

NO_RESEND = "CL-REACT-NO-RESEND"
RETRY_AFTER = "CL-REACT-RETRY-AFTER"
RATE_LIMIT = "CL-REACT-RATE-LIMIT"
LOST_CREATE = "CL-REACT-LOST-CREATE"
TRN_POLL = "CL-REACT-TRN-POLL"
STATE_TRANSITION = "CL-REACT-STATE-TRANSITION"
STATE_AWARE = "CL-REACT-STATE-AWARE"

#: Statuses a resend cannot change (core.md §5.1).
FINAL_STATUSES = frozenset({400, 401, 404, 409, 422})
#: The limit and its window (core.md §4).
RATE_MAX, RATE_WINDOW = 100, 60.0
#: Polite TRN waiting: a read repeated less than POLL_MIN_GAP seconds after the previous identical read counts
#: as a quick poll; more than POLL_MAX_STREAK quick polls in a row is a hot loop.
POLL_MIN_GAP, POLL_MAX_STREAK = 10.0, 3
#: Clock tolerance when comparing a wait with Retry-After (recordings keep milliseconds).
TOLERANCE = 0.05
MAX_EVIDENCE = 25


@dataclass
class Ledger:
    """Findings per CL id: failures and passes as (seq, message), capped; counts kept exact."""

    checked: set[str] = field(default_factory=set)
    fails: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    passes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    fail_counts: dict[str, int] = field(default_factory=dict)
    pass_counts: dict[str, int] = field(default_factory=dict)
    per_exchange: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)

    def check(self, cl_id: str) -> None:
        self.checked.add(cl_id)

    def fail(self, cl_id: str, seq: int, message: str, *, mark: bool = True) -> None:
        """A failure shown by exchange ``seq``; ``mark=False``: cited as evidence, not shown on that exchange."""
        self.checked.add(cl_id)
        self.fail_counts[cl_id] = self.fail_counts.get(cl_id, 0) + 1
        bucket = self.fails.setdefault(cl_id, [])
        if len(bucket) < MAX_EVIDENCE:
            bucket.append((seq, message))
        if mark:
            self.per_exchange.setdefault(seq, []).append((cl_id, "fail", message))

    def ok(self, cl_id: str, seq: int, message: str, *, mark: bool = False) -> None:
        self.checked.add(cl_id)
        self.pass_counts[cl_id] = self.pass_counts.get(cl_id, 0) + 1
        bucket = self.passes.setdefault(cl_id, [])
        if len(bucket) < 3:
            bucket.append((seq, message))
        if mark:
            self.per_exchange.setdefault(seq, []).append((cl_id, "pass", message))


def responded_at(ex: Exchange) -> float:
    return ex.started + (ex.elapsed_ms or 0.0) / 1000.0


def retry_after_seconds(ex: Exchange) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), else None."""
    value = ex.response_header("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - responded_at(ex))
    except (TypeError, ValueError, IndexError):
        return None


def _same_request(a: Exchange, b: Exchange) -> bool:
    return a.method == b.method and a.url == b.url and (a.request_body or "") == (b.request_body or "")


def _error_kind(ex: Exchange) -> str | None:
    body = ex.response_json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("error"))
    return None


def is_state_transition_error(ex: Exchange) -> bool:
    return ex.status == 422 and _error_kind(ex) == "StateTransitionError"


# -- the rules -----------------------------------------------------------------------------------------------
def _can_change(ex: Exchange) -> bool:
    """An index read answered 404 "No trainees found" can change (new trainees appear): polling it is fine."""
    op = operation_of(ex.method, ex.route)
    return ex.method == "GET" and op is not None and op.name == "index" and ex.status == 404


def no_resend(exchanges: Sequence[Exchange], ledger: Ledger) -> None:
    """The client's next request after a 400/401/404/409/422 is not the same request (method, URL, body)."""
    for prev, nxt in pairwise(exchanges):
        if prev.status in FINAL_STATUSES and not _can_change(prev):
            if _same_request(prev, nxt):
                ledger.fail(NO_RESEND, nxt.seq, f"{nxt.method} {nxt.path} resent unchanged after {prev.status} "
                                                f"(seq {prev.seq}); that answer cannot change")
            else:
                ledger.ok(NO_RESEND, nxt.seq, f"changed its request after {prev.status} (seq {prev.seq})")
    last = exchanges[-1] if exchanges else None
    if last is not None and last.status in FINAL_STATUSES and not _can_change(last):
        ledger.check(NO_RESEND)


def retry_after(exchanges: Sequence[Exchange], ledger: Ledger, announced: dict[int, float | None]) -> None:
    """After 429/503, the next request waits ≥ Retry-After (``announced`` overrides the header by seq)."""
    for i, ex in enumerate(exchanges):
        if ex.status not in (429, 503):
            continue
        wait = announced.get(ex.seq) if announced.get(ex.seq) is not None else retry_after_seconds(ex)
        if wait is None:
            continue
        ledger.check(RETRY_AFTER)
        if i + 1 >= len(exchanges):
            continue
        nxt = exchanges[i + 1]
        waited = nxt.started - responded_at(ex)
        if waited + TOLERANCE < wait:
            ledger.fail(RETRY_AFTER, nxt.seq, f"sent {waited:.1f} s after the {ex.status} of seq {ex.seq}, "
                                              f"which said Retry-After {wait:g} s")
        else:
            ledger.ok(RETRY_AFTER, nxt.seq, f"waited {waited:.1f} s ≥ Retry-After {wait:g} s (seq {ex.seq})")


def rate_limit(exchanges: Sequence[Exchange], ledger: Ledger) -> None:
    """Never more than RATE_MAX requests in any RATE_WINDOW seconds (a sliding window, stricter than the server's)."""
    if not exchanges:
        return
    ledger.check(RATE_LIMIT)
    window: deque[float] = deque()
    reported_until = -1.0
    worst = 0
    for ex in exchanges:
        window.append(ex.started)
        while window and ex.started - window[0] >= RATE_WINDOW:
            window.popleft()
        worst = max(worst, len(window))
        if len(window) > RATE_MAX and ex.started > reported_until:
            ledger.fail(RATE_LIMIT, ex.seq, f"{len(window)} requests within {RATE_WINDOW:g} s "
                                            f"(limit {RATE_MAX}; 429 from request {RATE_MAX + 1})")
            reported_until = window[0] + RATE_WINDOW  # one finding per burst
    if worst <= RATE_MAX:
        ledger.ok(RATE_LIMIT, exchanges[-1].seq, f"at most {worst} requests in any {RATE_WINDOW:g} s")


def identity(body: Any) -> tuple[str, str] | None:
    """Who a create body is about: last name (any case) and date of birth, the fixed part of the server's
    duplicate detection (core.md §14). First name and email are left out on purpose: a client that alters them
    after a lost create escapes the server's 409 and makes exactly the duplicate this rule is about."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None
    last, dob = str(data.get("last_name") or "").strip().lower(), str(data.get("date_of_birth") or "")
    return (last, dob) if last and dob else None


def lost_create(exchanges: Sequence[Exchange], ledger: Ledger,
                lost: set[int]) -> dict[int, tuple[str, int | None, str]]:
    """A create whose answer was lost (``lost`` seqs, or no status) is not re-created as a duplicate.

    Returns seq → (verdict, seq of the reaction, message) for each lost create.
    """
    results: dict[int, tuple[str, int | None, str]] = {}
    for i, ex in enumerate(exchanges):
        if ex.method != "POST" or ex.route.rstrip("/") != "/trainees":
            continue
        if not (ex.seq in lost or ex.status is None):
            continue
        ledger.check(LOST_CREATE)
        who = identity(ex.request_json())
        verdict: tuple[str, int | None, str] = ("pending", None, "no later request about this trainee yet")
        for later in exchanges[i + 1:]:
            op = operation_of(later.method, later.route)
            if op is None:
                continue
            if op.name == "create" and who is not None and identity(later.request_json()) == who:
                if later.status == 201:
                    verdict = ("fail", later.seq, f"created the trainee again (201) after the lost create of seq "
                                                  f"{ex.seq}: a duplicate trainee now exists")
                    break
                if later.status == 409:
                    verdict = ("pass", later.seq, "re-sent the create and took its trainee from the 409 data")
                    break
                continue
            if op.name == "index" and any(k == "since" for k, _ in later.query):
                verdict = ("pass", later.seq, "looked its trainee up in the index with since")
                break
        results[ex.seq] = verdict
        if verdict[0] == "fail":
            ledger.fail(LOST_CREATE, verdict[1] or ex.seq, verdict[2])
        elif verdict[0] == "pass":
            ledger.ok(LOST_CREATE, verdict[1] or ex.seq, verdict[2], mark=True)
    return results


def poll_key(ex: Exchange, op: Operation | None) -> str | None:
    """What a TRN wait reads again: one trainee, or the index with has_trn/since (the since value aside)."""
    if op is None or ex.method != "GET":
        return None
    if op.name == "show":
        return f"trainee {op.trainee_id}"
    if op.name == "index":
        params = sorted((k, v) for k, v in ex.query if k != "since")
        if any(k in ("has_trn", "since") for k, _ in ex.query):
            return "index " + "&".join(f"{k}={v}" for k, v in params)
    return None


def trn_poll(exchanges: Sequence[Exchange], ledger: Ledger) -> dict[str, int]:
    """No hot loop: more than POLL_MAX_STREAK reads of the same key, each < POLL_MIN_GAP s after the last.

    Returns key → seq of the first hot-loop finding (for the late-TRN injections).
    """
    last: dict[str, float] = {}
    streak: dict[str, int] = {}
    hot: dict[str, int] = {}
    for ex in exchanges:
        op = operation_of(ex.method, ex.route)
        if op is not None and op.name in TRAINEE_WRITES and op.trainee_id:
            last.pop(f"trainee {op.trainee_id}", None)  # a write makes the next read a new question
            continue
        key = poll_key(ex, op)
        if key is None or ex.status in (None, 429, 503):
            continue  # an unanswered read is retried, not polled again
        if key in last:
            ledger.check(TRN_POLL)
            gap = ex.started - last[key]
            streak[key] = streak.get(key, 0) + 1 if gap < POLL_MIN_GAP else 0
            if streak[key] > POLL_MAX_STREAK and key not in hot:
                hot[key] = ex.seq
                ledger.fail(TRN_POLL, ex.seq, f"{key} read {streak[key] + 1} times in a row, each less than "
                                              f"{POLL_MIN_GAP:g} s after the previous: a hot loop")
            elif streak[key] == 0:
                ledger.ok(TRN_POLL, ex.seq, f"{key} read again after {gap:.0f} s")
        last[key] = ex.started
    return hot


def state_transition(exchanges: Sequence[Exchange], ledger: Ledger) -> None:
    """A StateTransitionError is not followed by the same method and path, unless a write succeeded between."""
    refused: dict[tuple[str, str], int] = {}
    for ex in exchanges:
        op = operation_of(ex.method, ex.route)
        key = (ex.method, ex.path)
        if key in refused:
            ledger.fail(STATE_TRANSITION, ex.seq, f"{ex.method} {ex.path} sent again after its StateTransitionError "
                                                  f"(seq {refused[key]}); the trainee's state has not changed")
            del refused[key]
        elif refused:
            ledger.check(STATE_TRANSITION)
        if is_state_transition_error(ex):
            ledger.check(STATE_TRANSITION)
            refused[key] = ex.seq
        elif op is not None and op.trainee_id and ex.status is not None and 200 <= ex.status < 300 \
                and ex.method != "GET":
            for k in [k for k in refused if f"/trainees/{op.trainee_id}" in k[1]]:
                del refused[k]


def states_in(ex: Exchange, op: Operation | None) -> list[tuple[str, str]]:
    """(trainee_id, state) pairs a response tells the client."""
    if op is None or ex.status is None or not 200 <= ex.status < 300:
        return []
    body = ex.response_json()
    if isinstance(body, dict) and "data" in body:
        body = body["data"]
    items = body if isinstance(body, list) else [body]
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("state"), str):
            tid = item.get("trainee_id") or (op.trainee_id if op.name != "index" else None)
            if tid:
                out.append((str(tid), item["state"]))
    return out


def refused_in_state(op_name: str, state: str, version: str) -> str | None:
    """Why the facts refuse ``op_name`` for a trainee in ``state`` (lifecycle.md §2.2), else None."""
    if op_name == "defer" and state not in facts.DEFERRABLE_STATES:
        return f"defer needs submitted_for_trn or trn_received; the trainee is {state}"
    if op_name == "withdraw" and state not in facts.WITHDRAWABLE_STATES:
        return f"withdraw needs submitted_for_trn, trn_received or deferred; the trainee is {state}"
    if op_name == "recommend" and state != facts.TRN_RECEIVED:
        return f"recommend needs trn_received (a TRN); the trainee is {state}"
    if version == "v2026.1" and op_name in ("update", "degree-create", "degree-update", "degree-delete",
                                             "placement-create", "placement-update", "placement-delete") \
            and state in facts.LOCKED_STATES:
        return f"v2026.1 refuses {op_name} for a {state} trainee (StateTransitionError)"
    return None


def state_aware(exchanges: Sequence[Exchange], ledger: Ledger, version_of: dict[int, str]) -> None:
    known: dict[str, str] = {}
    for ex in exchanges:
        op = operation_of(ex.method, ex.route)
        if op is not None and op.trainee_id and op.name in TRAINEE_WRITES:
            state = known.get(op.trainee_id.lower())
            if state is not None:
                ledger.check(STATE_AWARE)
                why = refused_in_state(op.name, state, version_of.get(ex.seq, "v2026.1"))
                if why:
                    ledger.fail(STATE_AWARE, ex.seq, f"{ex.method} {ex.path}: {why} (last seen state)")
        for tid, state in states_in(ex, op):
            known[tid.lower()] = state
