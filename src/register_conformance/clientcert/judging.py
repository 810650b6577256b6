"""Judging a client's recorded traffic against the ``CL-…`` catalogue (``data/clientcert/client.yaml``).

``judge(exchanges, context)`` is pure: the same exchanges and context give the same ``Judgement`` (loaded
request schemas are cached across calls). It walks the exchanges a few times in linear time, so the live
page can call it again on the growing recording. Request rules: ``rules_request``; reactions:
``rules_reaction``; v2026.1 readiness of v2025.0 traffic: ``readiness``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from register_conformance.clientcert import rules_reaction as react
from register_conformance.clientcert import rules_request as req
from register_conformance.clientcert.exchange import Exchange
from register_conformance.requirements import client_catalogue

PLANS = ("journeys", "resilience", "full", "check")
VERDICTS = ("pass", "fail", "not-demonstrated", "not-applicable")
JOURNEYS_ID = "CL-JOURNEYS"
READY_ID = "CL-READY-V2026"
#: Reaction rules that only apply once their trigger happened (no 429 seen → not applicable).
_TRIGGERED = frozenset({react.NO_RESEND, react.RETRY_AFTER, react.LOST_CREATE, react.TRN_POLL,
                        react.STATE_TRANSITION, react.STATE_AWARE, req.DEGREE_ON_CREATE, req.FUNDING,
                        req.ROUTE_CODE, req.QUERY, req.NO_READ_ONLY, req.FIELD_NAMES, req.DATES, req.DATE_FORMAT,
                        req.CONTENT_TYPE, req.FIELD_RULES})
#: Which CL rule judges an injection's aftermath.
INJECTION_RULES = {"rate-limited-429": react.RETRY_AFTER, "unavailable-503": react.RETRY_AFTER,
                   "lost-create": react.LOST_CREATE, "late-trn": react.TRN_POLL}


@dataclass(frozen=True)
class Injection:
    """One adverse response the observer served."""

    seq: int  # Exchange.seq it was served on
    client: str
    kind: str  # "rate-limited-429" | "unavailable-503" | "lost-create" | "late-trn"
    retry_after: float | None  # seconds announced, when any
    expected: str  # what a correct client does next (shown in reports)


@dataclass(frozen=True)
class Context:
    plan: str  # "journeys" | "resilience" | "full" | "check"
    api_versions: frozenset[str] | None = None  # versions served/allowed; None = infer from URLs
    claimed_journeys: frozenset[str] | None = None  # None = all claimed
    injections: tuple[Injection, ...] = ()
    #: Adverse responses the plan still owes this client, as (kind, when it comes): a resilience
    #: certification needs the client to have met each one (``client serve`` plans resilience and full).
    unmet: tuple[tuple[str, str], ...] = ()


JOURNEYS: tuple[tuple[str, str], ...] = (
    ("create-with-degree", "Create a trainee with a degree"),
    ("add-or-replace-degree", "Add or replace a degree"),
    ("add-placements", "Add placements"),
    ("update-trainee", "Update the trainee"),
    ("defer", "Defer a trainee"),
    ("withdraw", "Withdraw a trainee"),
    ("recommend-for-qts", "Recommend for QTS"),
    ("update-qts-or-eyts-status", "Update QTS or EYTS status (v2026.1)"),
    ("incremental-read", "Incremental read with since and paging"),
)
JOURNEY_IDS = frozenset(j for j, _ in JOURNEYS)


@dataclass
class Judgement:
    certified: bool
    requirements: list[dict[str, Any]] = field(default_factory=list)
    journeys: list[dict[str, Any]] = field(default_factory=list)
    injections: list[dict[str, Any]] = field(default_factory=list)
    readiness: list[dict[str, Any]] = field(default_factory=list)
    per_exchange: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    unmet: list[dict[str, str]] = field(default_factory=list)  # adverse responses the client never met

    def for_exchange(self, seq: int) -> list[tuple[str, str, str]]:
        """(CL id, verdict, message) said about one exchange; empty when nothing was."""
        return list(self.per_exchange.get(seq, ()))

    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.requirements if r["verdict"] == "fail"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "certified": self.certified,
            "counts": dict(self.counts),
            "notes": list(self.notes),
            "requirements": [{**r, "evidence": [list(e) for e in r["evidence"]]} for r in self.requirements],
            "journeys": [dict(j) for j in self.journeys],
            "injections": [dict(i) for i in self.injections],
            "readiness": [dict(r) for r in self.readiness],
            "unmet": [dict(u) for u in self.unmet],
        }


_BOOK: req.SchemaBook | None = None
_BOOK_LOCK = threading.Lock()


def default_book() -> req.SchemaBook:
    """The process-wide request-schema cache (schemas load once, ~2 s)."""
    global _BOOK
    with _BOOK_LOCK:
        if _BOOK is None:
            _BOOK = req.SchemaBook()
        return _BOOK


def parse_journeys(text: str | None) -> frozenset[str] | None:
    """``--journeys a,b`` → the set; ``all``/empty → None (all claimed). Unknown ids raise ValueError."""
    if not text or text.strip() in ("all", "*"):
        return None
    wanted = frozenset(j.strip() for j in text.split(",") if j.strip())
    unknown = sorted(wanted - JOURNEY_IDS)
    if unknown:
        raise ValueError(f"unknown journey(s) {', '.join(unknown)}; known: {', '.join(j for j, _ in JOURNEYS)}")
    return wanted


def judge(exchanges: Sequence[Exchange], context: Context, *, book: req.SchemaBook | None = None) -> Judgement:
    """Judge the exchanges for ``context`` (see the module docstring)."""
    book = book or default_book()
    ledger = react.Ledger()
    api = [ex for ex in exchanges if ex.api_version is not None]
    ignored = len(exchanges) - len(api)
    version_of: dict[int, str] = {}
    by_client: dict[str, list[Exchange]] = {}
    for ex in api:
        by_client.setdefault(ex.client, []).append(ex)
        _judge_one(ex, context, book, ledger, version_of)
    for client, items in by_client.items():
        items.sort(key=lambda e: (e.started, e.seq))
        _one_version(client, items, version_of, ledger)
    injections = list(context.injections)
    announced = {i.seq: i.retry_after for i in injections if i.retry_after is not None}
    lost = {i.seq for i in injections if i.kind == "lost-create"}
    lost_results: dict[int, tuple[str, int | None, str]] = {}
    hot: dict[str, dict[str, int]] = {}
    for client, items in by_client.items():
        react.no_resend(items, ledger)
        react.retry_after(items, ledger, announced)
        react.rate_limit(items, ledger)
        lost_results.update(react.lost_create(items, ledger, lost))
        hot[client] = react.trn_poll(items, ledger)
        react.state_transition(items, ledger)
        react.state_aware(items, ledger, version_of)
    journeys = _journeys(api, context, version_of, ledger)
    injection_rows = [_injection(i, by_client.get(i.client, []), announced, lost_results, hot.get(i.client, {}))
                      for i in injections]
    readiness: list[dict[str, Any]] = []
    if context.plan == "check":
        from register_conformance.clientcert.readiness import assess

        readiness = assess([ex for ex in api if version_of.get(ex.seq) == "v2025.0"], book)
        if any(version_of.get(ex.seq) == "v2025.0" for ex in api):
            ledger.check(READY_ID)
            for item in readiness:
                ledger.fail(READY_ID, item["seq"], item["change"])
    unmet = _unmet(context)
    requirements = _requirements(ledger, context, {u["requirement"] for u in unmet})
    notes = []
    for u in unmet:
        notes.append(f"adverse response {u['kind']} not met yet ({u['when']}): certifying resilience needs the "
                     "client to meet and handle each one — keep it working")
    if ignored:
        notes.append(f"{ignored} exchange(s) outside /api/{{version}}/ were not judged")
    if book.problem:
        notes.append(book.problem)
    not_recorded = sum(1 for ex in api if req.BODY_NOT_RECORDED in ex.notes)
    if not_recorded:
        notes.append(f"{not_recorded} request bodies were not in the recording and were not judged")
    blocking = [r for r in requirements if r["verdict"] == "fail" and r["level"] == "MUST"]
    certified = bool(api) and not blocking and not unmet and not any(i["verdict"] == "fail" for i in injection_rows)
    if not api:
        notes.append("no request to /api/{version}/ was recorded: nothing to certify")
    counts = {"exchanges": len(exchanges), "judged": len(api), "clients": len(by_client),
              "failed_must": len(blocking),
              "failed_should": sum(1 for r in requirements if r["verdict"] == "fail" and r["level"] != "MUST")}
    return Judgement(certified=certified, requirements=requirements, journeys=journeys, injections=injection_rows,
                     readiness=readiness, per_exchange=ledger.per_exchange, notes=notes, counts=counts, unmet=unmet)


#: Adverse responses served only after a successful create: owed only to a client that claims creating.
_AFTER_CREATE = frozenset({"lost-create", "late-trn"})


def _unmet(context: Context) -> list[dict[str, str]]:
    creates = context.claimed_journeys is None or "create-with-degree" in context.claimed_journeys
    return [{"kind": kind, "requirement": INJECTION_RULES[kind], "when": when} for kind, when in context.unmet
            if creates or kind not in _AFTER_CREATE]


#: Which requirement verdict wins when several clients are shown as one (the live page).
_WORST_FIRST = ("fail", "not-demonstrated", "pass", "not-applicable")


def combined(judgements: Mapping[str, Judgement]) -> Judgement:
    """Several clients' judgements as one view (the live page): what ``client serve`` will say on finish.

    Certified only if every client is; a requirement shows its worst verdict, a journey is demonstrated
    when every client demonstrated it; notes are prefixed with the client's name.
    """
    if len(judgements) == 1:
        return next(iter(judgements.values()))
    items = list(judgements.items())
    requirements = []
    for rows in zip(*(j.requirements for _, j in items), strict=True):
        verdict = min((r["verdict"] for r in rows), key=_WORST_FIRST.index)
        shown = [r for r in rows if r["verdict"] == verdict]
        requirements.append({**rows[0], "verdict": verdict, "evidence": [e for r in shown for e in r["evidence"]],
                             "failures": sum(r["failures"] for r in rows)})
    journeys = []
    for rows in zip(*(j.journeys for _, j in items), strict=True):
        lacking = [name for (name, _), r in zip(items, rows, strict=True) if r["status"] == "not demonstrated"]
        row = dict(next((r for r in rows if r["status"] == "not demonstrated"), rows[0]))
        if lacking and len(lacking) < len(rows):
            row["note"] = f"not yet by {', '.join(lacking)}"
        journeys.append(row)
    per_exchange: dict[int, list[tuple[str, str, str]]] = {}
    counts: dict[str, int] = {}
    for _, j in items:
        per_exchange.update(j.per_exchange)
        for key, value in j.counts.items():
            counts[key] = counts.get(key, 0) + value
    return Judgement(
        certified=all(j.certified for _, j in items), requirements=requirements, journeys=journeys,
        injections=[i for _, j in items for i in j.injections], readiness=[r for _, j in items for r in j.readiness],
        per_exchange=per_exchange, notes=[f"{name}: {note}" for name, j in items for note in j.notes],
        counts=counts, unmet=[{**u, "client": name} for name, j in items for u in j.unmet])


def _judge_one(ex: Exchange, context: Context, book: req.SchemaBook, ledger: react.Ledger,
               version_of: dict[int, str]) -> None:
    ledger.check(req.VERSION)
    version = req.served_version(ex.api_version)
    if version is None:
        ledger.fail(req.VERSION, ex.seq, f"/api/{ex.api_version}/ is not a served version "
                                         f"({', '.join(req.SERVED_VERSIONS)}): 404 Not found")
        return
    if context.api_versions is not None and version not in context.api_versions:
        allowed = ", ".join(sorted(context.api_versions))
        ledger.fail(req.VERSION, ex.seq, f"{version} is not served here (only {allowed})")
    version_of[ex.seq] = version
    found = req.judge_request(ex, version, book)
    for cl_id in found.checked:
        ledger.check(cl_id)
    for cl_id, message, _field in found.failed:
        ledger.fail(cl_id, ex.seq, message)


def _one_version(client: str, items: list[Exchange], version_of: dict[int, str], ledger: react.Ledger) -> None:
    first: str | None = None
    ledger.check(req.ONE_VERSION)
    for ex in items:
        version = version_of.get(ex.seq)
        if version is None:
            continue
        if first is None:
            first = version
        elif version != first:
            ledger.fail(req.ONE_VERSION, ex.seq, f"client {client!r} sent to {version} after using {first}: "
                                                 "keep to one API version")


def _demonstrates(ex: Exchange, version: str) -> list[str]:
    op = req.operation_of(ex.method, ex.route)
    status = ex.status or 0
    if op is None or not 200 <= status < 300:
        return []
    name = op.name
    if name == "create":
        data = (ex.request_json() or {}).get("data") if isinstance(ex.request_json(), dict) else None
        degrees = data.get("degrees_attributes") if isinstance(data, dict) else None
        return ["create-with-degree"] if isinstance(degrees, list) and degrees else []
    if name in ("degree-create", "degree-update"):
        return ["add-or-replace-degree"]
    if name == "placement-create":
        return ["add-placements"]
    if name == "update":
        return ["update-trainee"]
    if name in ("defer", "withdraw"):
        return [name]
    if name == "recommend":
        found = ["recommend-for-qts"]
        if ex.route.rstrip("/").endswith("update-qts-or-eyts-status") and version == "v2026.1":
            found.append("update-qts-or-eyts-status")
        return found
    if name == "index":
        keys = {k for k, _ in ex.query}
        return ["incremental-read"] if "since" in keys and keys & {"page", "per_page"} else []
    return []


def _journeys(api: Sequence[Exchange], context: Context, version_of: dict[int, str],
              ledger: react.Ledger) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    for ex in api:
        version = version_of.get(ex.seq)
        if version is None:
            continue
        for jid in _demonstrates(ex, version):
            if jid not in seen:
                seen[jid] = ex.seq
                ledger.per_exchange.setdefault(ex.seq, []).append((JOURNEYS_ID, "pass", f"demonstrates {jid}"))
    versions = set(version_of.values())
    rows = []
    for jid, title in JOURNEYS:
        claimed = context.claimed_journeys is None or jid in context.claimed_journeys
        row: dict[str, Any] = {"id": jid, "title": title, "seq": seen.get(jid)}
        if not claimed:
            row["status"] = "not claimed"
        elif jid in seen:
            row["status"] = "demonstrated"
        else:
            row["status"] = "not demonstrated"
            if jid == "update-qts-or-eyts-status" and versions and "v2026.1" not in versions:
                row["note"] = "v2026.1 only; this client uses v2025.0"
        rows.append(row)
    expected = [r for r in rows if r["status"] != "not claimed" and "note" not in r]
    if context.plan != "resilience" and api:
        ledger.check(JOURNEYS_ID)
        missing = [r["id"] for r in expected if r["status"] == "not demonstrated"]
        if missing and context.plan in ("journeys", "full"):
            ledger.fail(JOURNEYS_ID, api[-1].seq, f"claimed but not demonstrated: {', '.join(missing)}",
                        mark=False)  # the run's failure, not that exchange's
        elif not missing:
            ledger.ok(JOURNEYS_ID, api[-1].seq, "every claimed journey demonstrated")
    return rows


def _injection(inj: Injection, items: Sequence[Exchange], announced: dict[int, float | None],
               lost_results: dict[int, tuple[str, int | None, str]], hot: dict[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = {"injection": asdict(inj), "requirement": INJECTION_RULES.get(inj.kind),
                           "verdict": "pending", "seq_reaction": None, "message": "the client has not reacted yet"}
    index = next((i for i, ex in enumerate(items) if ex.seq == inj.seq), None)
    if index is None:
        row["message"] = "the exchange it was served on is not in the recording"
        return row
    served = items[index]
    later = items[index + 1:]
    if inj.kind in ("rate-limited-429", "unavailable-503"):
        wait = inj.retry_after if inj.retry_after is not None else react.retry_after_seconds(served)
        if later:
            waited = later[0].started - react.responded_at(served)
            ok = wait is None or waited + react.TOLERANCE >= wait
            row.update(verdict="pass" if ok else "fail", seq_reaction=later[0].seq,
                       message=f"next request after {waited:.1f} s (Retry-After {wait if wait is not None else '-'} s)")
    elif inj.kind == "lost-create":
        verdict, seq, message = lost_results.get(inj.seq, ("pending", None, "no later request yet"))
        row.update(verdict=verdict, seq_reaction=seq, message=message)
    elif inj.kind == "late-trn":
        op = req.operation_of(served.method, served.route)
        body = served.response_json()
        data = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), dict) else body
        trainee = (op.trainee_id if op and op.trainee_id else None) or (
            data.get("trainee_id") if isinstance(data, dict) else None)
        reads = [ex for ex in later if ex.method == "GET" and _reads_trainee(ex, trainee)]
        hot_after = [seq for key, seq in hot.items()
                     if seq > inj.seq and (trainee is None or trainee in key or key.startswith("index"))]
        if hot_after:
            row.update(verdict="fail", seq_reaction=min(hot_after), message="hot loop while waiting for the TRN")
        elif reads:
            row.update(verdict="pass", seq_reaction=reads[0].seq,
                       message=f"read again politely ({len(reads)} read(s), none in a hot loop)")
    return row


def _reads_trainee(ex: Exchange, trainee: str | None) -> bool:
    if trainee and f"/trainees/{trainee}" in ex.path:
        return True
    return ex.route.rstrip("/") == "/trainees" and react.poll_key(ex, req.operation_of(ex.method, ex.route)) is not None


def _requirements(ledger: react.Ledger, context: Context, owed: set[str]) -> list[dict[str, Any]]:
    """One row per CL rule; ``owed``: rules whose adverse response the client has not met (not demonstrated)."""
    rows = []
    for rid, r in client_catalogue().items():
        evidence = list(ledger.fails.get(rid, []))
        if evidence:
            verdict = "fail"
        elif rid in ledger.checked:
            verdict = "pass"
            evidence = list(ledger.passes.get(rid, []))
            if rid == JOURNEYS_ID and not ledger.pass_counts.get(rid):
                verdict = "not-demonstrated"  # check plan: some claimed journeys not shown (informative only)
        elif rid in owed:
            verdict = "not-demonstrated"
        elif rid in _TRIGGERED or rid == READY_ID or (rid == JOURNEYS_ID and context.plan == "resilience"):
            verdict = "not-applicable"
        else:
            verdict = "not-demonstrated"
        rows.append({"id": rid, "title": r.title, "level": r.level, "source": r.source,
                     "versions": list(r.versions), "verdict": verdict, "evidence": evidence,
                     "failures": ledger.fail_counts.get(rid, 0)})
    return rows
