"""A reference client of the Register API (plain httpx), written from the facts; and its broken variants.

It walks every journey (core.md §7, §9, §10; lifecycle.md §3–§7) and copes with what the service does
under stress (core.md §4, §14; lifecycle.md §1.4; ../notes/client-certification.md):

* every request is ``Authorization: Bearer <token>``, bodies are ``{"data": {…}}`` as
  ``Content-Type: application/json``, one API version, that version's field names;
* at most ``RATE_MAX`` requests in any 60 s (a sliding window below the service's 100);
* ``429``/``503``: wait ``Retry-After``, then send the same request again;
* a create whose answer is lost: look the trainee up with ``GET /trainees?since=…`` before doing
  anything else (and, if it is not there, send the same create again: a ``409`` carries the trainee);
* the TRN arrives asynchronously and may be late: re-read the trainee at a falling rate (never more than
  three reads less than 10 s apart) and recommend only once ``trn`` is present;
* a ``4xx`` is never sent again unchanged, and a ``StateTransitionError`` is not retried.

A *variant* is the same client with one realistic mistake switched on (``flaw``); ``VARIANTS`` lists
each with the ``CL-…`` requirement it breaks.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from register_conformance.lifecycle.data import TraineeData

RATE_MAX = 90  # requests in any 60 s (the service allows 100, core.md §4)
TRN_GAPS = (2.0, 2.0, 10.5)  # seconds between reads while waiting for a TRN: two quick re-reads, then ≥ 10 s


@dataclass(frozen=True)
class Variant:
    name: str
    cl_id: str  # the requirement the mistake breaks
    mistake: str


VARIANTS: tuple[Variant, ...] = (
    Variant("ignore-retry-after", "CL-REACT-RETRY-AFTER", "retries a 429/503 at once, ignoring Retry-After"),
    Variant("short-backoff", "CL-REACT-RETRY-AFTER", "waits a fixed half second after a 429/503"),
    Variant("hot-trn-loop", "CL-REACT-TRN-POLL", "re-reads the trainee every 0.2 s until the TRN arrives"),
    Variant("hot-index-poll", "CL-REACT-TRN-POLL", "polls GET /trainees?has_trn=true in a tight loop"),
    Variant("resend-422", "CL-REACT-NO-RESEND", "sends an over-long first_names and resends it after the 422"),
    Variant("recreate-after-lost", "CL-REACT-LOST-CREATE",
            "after a lost create rebuilds the record (preferred first name, personal email): a duplicate trainee"),
    Variant("subject-one-v2026", "CL-REQ-FIELD-NAMES", "sends course_subject_one to v2026.1"),
    Variant("lead-partner-v2026", "CL-REQ-FIELD-NAMES", "sends lead_partner_urn to v2026.1"),
    Variant("withdraw-date-v2026", "CL-REQ-FIELD-NAMES", "withdraws with withdraw_date on v2026.1"),
    Variant("lowercase-bearer", "CL-REQ-AUTH", "sends 'Authorization: bearer …'"),
    Variant("bare-body", "CL-REQ-ENVELOPE", "sends the update without the data envelope"),
    Variant("mixes-versions", "CL-REQ-ONE-VERSION", "reads the index through v2025.0 while writing to v2026.1"),
    Variant("unserved-version", "CL-REQ-VERSION", "checks /api/v2026.0/info (a version never served)"),
    Variant("no-content-type", "CL-REQ-CONTENT-TYPE", "sends JSON bodies without Content-Type"),
    Variant("malformed-json", "CL-REQ-JSON", "builds the update body by hand with a trailing comma"),
    Variant("retry-state-transition", "CL-REACT-STATE-TRANSITION",
            "updates a withdrawn trainee and retries after the StateTransitionError"),
    Variant("defer-resync", "CL-REACT-NO-RESEND", "a sync job re-sends the same defer on every run"),
    Variant("recommend-early", "CL-REACT-NO-RESEND", "recommends right after create and retries the 422"),
    Variant("burst", "CL-REACT-RATE-LIMIT", "refreshes /info 105 times in a few seconds"),
    Variant("numeric-codes", "CL-REQ-CODES", "sends sex as a JSON number"),
    Variant("route-02-v2026", "CL-REQ-ROUTE-CODE", "creates on route 02 against v2026.1"),
    Variant("invalid-date", "CL-REQ-DATES", "sends date_of_birth 1990-02-30"),
    Variant("bad-since", "CL-REQ-QUERY", "sends since in day/month/year form"),
    Variant("no-degree", "CL-REQ-DEGREE-ON-CREATE", "creates a postgraduate trainee without degrees_attributes"),
    Variant("funded-route-14", "CL-REQ-FUNDING", "sends fund_code 7 for route 14"),
    Variant("missing-first-names", "CL-REQ-SCHEMA", "creates without first_names"),
    Variant("delete-trainee", "CL-REQ-ROUTE", "tries DELETE /trainees/{id} to clean up"),
    Variant("skips-defer", "CL-JOURNEYS", "claims every journey but never defers"),
)
VARIANT_NAMES = frozenset(v.name for v in VARIANTS)


class LostResponse(Exception):
    """The connection broke before the answer arrived."""


@dataclass
class Outcome:
    trainees: dict[str, str] = field(default_factory=dict)  # role → trainee id
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class ReferenceClient:
    """One client of one API version; ``flaw`` switches on one mistake from ``VARIANTS``."""

    def __init__(self, base_url: str, token: str, version: str = "v2026.1", *, flaw: str | None = None,
                 run_id: str = "ref", timeout: float = 30.0) -> None:
        if flaw is not None and flaw not in VARIANT_NAMES:
            raise ValueError(f"unknown flaw {flaw!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.version = version
        self.flaw = flaw
        self.good_data = TraineeData(run_id, version)
        self.data = TraineeData(run_id, "v2025.0") if flaw == "subject-one-v2026" else self.good_data
        self.http = httpx.Client(timeout=timeout)
        self.sent: deque[float] = deque()
        self.outcome = Outcome()

    # -- HTTP ------------------------------------------------------------------------------------------
    def _headers(self, with_body: bool) -> dict[str, str]:
        scheme = "bearer" if self.flaw == "lowercase-bearer" else "Bearer"
        headers = {"Authorization": f"{scheme} {self.token}", "Accept": "application/json"}
        if with_body and self.flaw != "no-content-type":
            headers["Content-Type"] = "application/json"
        return headers

    def _pace(self) -> None:
        if self.flaw == "burst":
            return
        now = time.monotonic()
        while self.sent and now - self.sent[0] >= 60:
            self.sent.popleft()
        if len(self.sent) >= RATE_MAX:
            time.sleep(60 - (now - self.sent[0]) + 0.05)
        self.sent.append(time.monotonic())

    def send(self, method: str, path: str, data: Any = None, *, params: dict[str, Any] | None = None,
             raw: str | None = None, version: str | None = None) -> httpx.Response:
        """One request; waits out 429/503 (Retry-After) and sends it again; never resends other answers."""
        url = f"{self.base_url}/api/{version or self.version}{path}"
        content = raw if raw is not None else (json.dumps({"data": data}) if data is not None else None)
        last = "nothing"
        for _attempt in range(8):
            self._pace()
            try:
                response = self.http.request(method, url, params=params, content=content,
                                             headers=self._headers(content is not None))
            except httpx.TransportError as exc:
                if method == "POST":
                    raise LostResponse(str(exc)) from exc
                last = f"{type(exc).__name__}: {exc}"
                time.sleep(1.0)  # GET/PUT/PATCH are safe to repeat once the connection is back
                continue
            if response.status_code in (429, 503):
                last = str(response.status_code)
                time.sleep(self._backoff(response))
                continue
            if self.flaw in ("resend-422", "recommend-early", "retry-state-transition") \
                    and response.status_code == 422:
                self._pace()
                return self.http.request(method, url, params=params, content=content,
                                         headers=self._headers(content is not None))
            return response
        raise RuntimeError(f"{method} {path}: still refused after 8 attempts (last: {last})")

    def _backoff(self, response: httpx.Response) -> float:
        if self.flaw == "ignore-retry-after":
            return 0.0
        if self.flaw == "short-backoff":
            return 0.5
        try:
            return float(response.headers.get("retry-after", "1")) + 0.1
        except ValueError:
            return 1.0

    # -- steps -------------------------------------------------------------------------------------------
    def trainee_body(self, **overrides: Any) -> dict[str, Any]:
        body = self.data.trainee("12", **overrides)
        if self.flaw == "numeric-codes":
            body["sex"] = int(body["sex"])
        return body

    def create(self, body: dict[str, Any]) -> str | None:
        """Create a trainee (the hot-loop variants then spin until its TRN arrives)."""
        trainee_id = self._create(body)
        if trainee_id and self.flaw in ("hot-trn-loop", "hot-index-poll"):
            self.wait_for_trn([trainee_id], limit=30.0)
        return trainee_id

    def _create(self, body: dict[str, Any]) -> str | None:
        """Create a trainee; after a lost answer find it (index with since) instead of creating another."""
        before = datetime.now(UTC) - timedelta(seconds=2)
        try:
            response = self.send("POST", "/trainees", body)
        except LostResponse:
            if self.flaw == "recreate-after-lost":
                again = {**body, "first_names": "Preferred " + body["first_names"],
                         "email": "personal." + body["email"]}
                return _data_id(self.send("POST", "/trainees", again))
            found = self.find(body, since=before)
            if found:
                return found
            response = self.send("POST", "/trainees", body)
            if response.status_code == 409:
                items = response.json().get("data") or []
                return items[0]["trainee_id"] if items else None
        if response.status_code != 201:
            self.outcome.problems.append(f"create: {response.status_code} {response.text[:200]}")
            return None
        return _data_id(response)

    def find(self, body: dict[str, Any], since: datetime) -> str | None:
        page = 1
        while True:
            response = self.send("GET", "/trainees", params={"since": utc_stamp(since), "per_page": 50,
                                                            "page": page})
            if response.status_code != 200:
                return None
            payload = response.json()
            for item in payload.get("data", []):
                if item.get("last_name") == body["last_name"] and item.get("date_of_birth") == body["date_of_birth"]:
                    return item["trainee_id"]
            if page >= payload.get("meta", {}).get("total_pages", 1):
                return None
            page += 1

    def wait_for_trn(self, trainee_ids: list[str], first_wait: float = 2.0, limit: float = 120.0) -> set[str]:
        """Re-read each trainee at a falling rate until it has a TRN; returns the ids that got one."""
        if self.flaw == "hot-index-poll":
            return self._hot_index_poll(trainee_ids, limit)
        have: set[str] = set()
        time.sleep(0 if self.flaw == "hot-trn-loop" else first_wait)
        deadline = time.monotonic() + limit
        reads = 0
        while time.monotonic() < deadline:
            for trainee_id in trainee_ids:
                if trainee_id in have:
                    continue
                response = self.send("GET", f"/trainees/{trainee_id}")
                if response.status_code == 200 and response.json().get("trn"):
                    have.add(trainee_id)
            if have >= set(trainee_ids):
                return have
            gap = 0.2 if self.flaw == "hot-trn-loop" else TRN_GAPS[min(reads, len(TRN_GAPS) - 1)]
            reads += 1
            time.sleep(gap)
        return have

    def _hot_index_poll(self, trainee_ids: list[str], limit: float) -> set[str]:
        have: set[str] = set()
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not have >= set(trainee_ids):
            response = self.send("GET", "/trainees", params={"has_trn": "true"})
            if response.status_code == 200:
                have |= {t["trainee_id"] for t in response.json().get("data", [])} & set(trainee_ids)
            time.sleep(0.3)
        return have

    def incremental_read(self, since: datetime) -> list[str]:
        """Everything changed since ``since``, two per page, every page."""
        version = "v2025.0" if self.flaw == "mixes-versions" else None
        since_text = since.strftime("%d/%m/%Y") if self.flaw == "bad-since" else utc_stamp(since)
        seen: list[str] = []
        page = 1
        while True:
            response = self.send("GET", "/trainees", params={"since": since_text, "per_page": 2, "page": page},
                                 version=version)
            if response.status_code != 200:
                break
            payload = response.json()
            seen += [t["trainee_id"] for t in payload.get("data", [])]
            if page >= payload.get("meta", {}).get("total_pages", 1):
                break
            page += 1
        return seen

    # -- the journeys ------------------------------------------------------------------------------------
    def run(self) -> Outcome:
        start = time.monotonic()
        try:
            self._run()
        finally:
            self.http.close()
            self.outcome.seconds = round(time.monotonic() - start, 1)
        return self.outcome

    def _run(self) -> None:
        flaw, d = self.flaw, self.data
        started = datetime.now(UTC) - timedelta(seconds=2)
        if flaw == "unserved-version":
            self.send("GET", "/info", version="v2026.0")
        self.send("GET", "/info")
        if flaw == "burst":
            for _ in range(105):
                self.send("GET", "/info")
        # A: create with a degree, add/replace a degree, add placements, update.
        overrides: dict[str, Any] = {}
        if flaw == "route-02-v2026":
            overrides["training_route"] = "02"
        if flaw == "invalid-date":
            overrides["date_of_birth"] = "1990-02-30"
        if flaw == "funded-route-14":
            self.create(self.data.trainee("14", fund_code="7"))
        a_body = self.trainee_body(**overrides)
        if flaw == "no-degree":
            a_body.pop("degrees_attributes", None)
        if flaw == "missing-first-names":
            a_body.pop("first_names")
        a = self.create(a_body)
        if a is None and (overrides or flaw in ("missing-first-names", "subject-one-v2026")):
            a = self.create(self.good_data.trainee("12"))  # the vendor fixes the record and sends it again
        if a is None:
            self.outcome.problems.append("trainee A was not created")
            return
        self.outcome.trainees["A"] = a
        if flaw == "recommend-early":
            self.send("POST", f"/trainees/{a}/recommend-for-qts", d.recommendation())
        degree = self.send("POST", f"/trainees/{a}/degrees", d.degree(1))
        if degree.status_code == 201:
            degree_id = degree.json()["data"]["degree_id"]
            self.send("PUT", f"/trainees/{a}/degrees/{degree_id}", {"grade": "01"})
        for n in (1, 2):
            self.send("POST", f"/trainees/{a}/placements", d.placement(n))
        self._update(a)
        # B: created with placements, recommended through the v2026.1 path.
        b = self.create(self.trainee_body(placements=[d.placement(1), d.placement(2)]))
        # C: deferred.  D: withdrawn.
        c = self.create(self.trainee_body())
        if c and flaw != "skips-defer":
            deferral = d.deferral()
            self.send("POST", f"/trainees/{c}/defer", deferral)
            if flaw == "defer-resync":
                for _ in range(2):
                    self.send("POST", f"/trainees/{c}/defer", deferral)
        d_id = self.create(self.trainee_body())
        if d_id:
            withdrawal = d.withdrawal()
            if flaw == "withdraw-date-v2026":
                withdrawal["withdraw_date"] = withdrawal.pop("withdrawal_date")
            self.send("POST", f"/trainees/{d_id}/withdraw", withdrawal)
            if flaw == "retry-state-transition":
                self.send("PATCH", f"/trainees/{d_id}", {"first_names": "Afterwards"})
            if flaw == "delete-trainee":
                self.send("DELETE", f"/trainees/{d_id}")
        # Recommend A and B once their TRNs have arrived.
        waiting = [t for t in (a, b) if t]
        for trainee_id in sorted(self.wait_for_trn(waiting), key=waiting.index):
            path = "update-qts-or-eyts-status" if trainee_id == b and self.version == "v2026.1" else "recommend-for-qts"
            response = self.send("POST", f"/trainees/{trainee_id}/{path}", d.recommendation())
            if response.status_code != 202:
                self.outcome.problems.append(f"{path}: {response.status_code} {response.text[:200]}")
        self.incremental_read(started)

    def _update(self, trainee_id: str) -> None:
        flaw = self.flaw
        change: dict[str, Any] = {"first_names": "Updated"}
        if flaw == "lead-partner-v2026":
            change["lead_partner_urn"] = "100000"
        if flaw == "resend-422":
            change["first_names"] = "X" * 70
        if flaw == "bare-body":
            self.send("PUT", f"/trainees/{trainee_id}", raw=json.dumps(change))
            return
        if flaw == "malformed-json":
            self.send("PUT", f"/trainees/{trainee_id}", raw='{"data": {"first_names": "Updated",}}')
            return
        self.send("PUT", f"/trainees/{trainee_id}", change)


def _data_id(response: httpx.Response) -> str | None:
    if response.status_code not in (200, 201):
        return None
    data = response.json().get("data")
    return data.get("trainee_id") if isinstance(data, dict) else None
