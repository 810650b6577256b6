"""The input corpus (data/corpus/*.yaml): the range of input real student-record systems send.

One test sends every case of the three operation families and reads everything back at once:

1. valid trainee creates, built as pairwise rows (every value family of each code list, optional
   fields present / absent / blank, boundary dates, UK and non-UK degrees, URN-only and
   postcode-only placements) → 201 each;
2. refused creates (unknown codes and URNs, wrong types, duplicate disabilities, over-long values,
   blank required values, dates one day past the edge) → 422 naming the field, never 5xx;
3. PATCH updates on one row's trainee, degrees and placements posted to two others → 200/201 or 422;
4. one index read (``since`` the first create, 100 per page) re-reads every trainee: each sent value
   round-trips as documented, nothing refused was stored (no refused create's ``last_name``, no
   extra degree or placement, no refused update's value).

Every failure names its case and requirement (data/requirements/input_handling.yaml); failures are
collected so one run reports all of them, each as a failure of its own in the reports (its requirement,
the exchange of its request, a one-line statement). About 70 requests per API version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from register_conformance.expect import expect_json
from register_conformance.failures import RequirementFailure
from register_conformance.lifecycle import corpus
from register_conformance.lifecycle.corpus import Part, Tokens, combine, differences, in_version, names_error, unmatched
from register_conformance.lifecycle.facts import ROUTES
from register_conformance.requirements import catalogue
from register_conformance.requirements import get as requirement

IDS = sorted(r.id for r in catalogue().values() if r.area == "input_handling")


class Findings:
    """Failures of corpus cases, collected so that one run reports every broken case.

    Each broken case is one finding: its own requirement, its own exchange (the request that broke it)
    and a one-line statement. ``raise_if_failed`` reports them all through one
    ``RequirementFailure.several``, which the reports turn into one failure per finding.
    """

    def __init__(self) -> None:
        self.failures: list[RequirementFailure] = []

    @property
    def messages(self) -> list[str]:
        return [failure.message for failure in self.failures]

    def add(self, requirement_id: str, title: str, text: str, statement: str, response: Any = None, *,
            like: RequirementFailure | None = None) -> None:
        """One broken case; ``like``: a schema failure of the same response, whose signature it takes."""
        requirement(requirement_id)  # an unknown id is a configuration error, not a silent label
        self.failures.append(RequirementFailure(
            f"[{requirement_id}] {title}\n{text}", requirement_id=requirement_id, title=title, response=response,
            statement=statement, kind=like.kind if like else None, field=like.field if like else None,
            expected=like.expected if like else None))

    def raise_if_failed(self) -> None:
        """Every broken case as a failure of its own (requirement, exchange), through one exception."""
        if self.failures:
            raise RequirementFailure.several(self.failures, f"{len(self.failures)} corpus case(s) failed:")

    def send(self, requirement_id: str | Callable[[httpx.Response], str], name: str, title: str,
             call: Callable[[], httpx.Response], expected: int,
             attributes: tuple[str, ...] = ()) -> httpx.Response | None:
        """Send one case and check its status (and, for 422, that the errors name an attribute).

        Returns the response when the case held, else None. ``requirement_id`` may depend on the
        response (which part of a pairwise row its errors blame). A response that breaks its operation's
        schema is a failure of ``LC-SCHEMA`` under its own id (as in a lifecycle ``step``); when its status
        breaks the case too (a 500), the case's failure takes the schema failure's signature, so the two
        read as one problem.
        """
        schema: RequirementFailure | None = None
        try:
            response = call()
        except RequirementFailure as exc:  # raised by the schema validator (LC-SCHEMA), e.g. on a 500
            schema, response = exc, exc.response
        if response is None:  # a schema failure without its response: nothing more to judge
            self.failures.append(schema.named(_case_id(requirement_id, None), title))
            return None
        rid = _case_id(requirement_id, response)
        wrong = _status_problem(response, expected, attributes)
        if wrong is not None:
            self.add(rid, title, wrong[0], f"{name}: {wrong[1]}", response, like=schema)
        if schema is not None:
            self.failures.append(schema.named(rid, title))
        return None if wrong is not None or schema is not None else response

    def problem(self, requirement_id: str, title: str, problems: list[str]) -> None:
        """A re-read check of a case (no exchange of its own: the report shows the test's last, the re-read)."""
        if problems:
            self.add(requirement_id, title, "\n".join(f"  {p}" for p in problems), f"{title}: {problems[0]}")


def _case_id(requirement_id: str | Callable[[httpx.Response | None], str], response: httpx.Response | None) -> str:
    return requirement_id(response) if callable(requirement_id) else requirement_id


def _status_problem(response: httpx.Response, expected: int,
                    attributes: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """``(text, one line)`` when ``response`` does not have ``expected`` status (and, for 422, errors
    naming an attribute); None when it does."""
    if response.status_code != expected:
        return (f"Received: {response.status_code} {response.text[:400]}\nExpected: {expected}",
                f"{response.status_code} {_first_error(response)} (expected {expected})")
    if attributes and not names_error(expect_json(response), attributes):
        return (f"the 422 does not name {' or '.join(attributes)}\nReceived: {response.text[:400]}",
                f"422 {_first_error(response)} (does not name {' or '.join(attributes)})")
    return None


def _first_error(response: httpx.Response) -> str:
    """The first error of a response body, short (``date_of_birth cannot be less than 16 years ago``)."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:80]
    errors = body.get("errors") if isinstance(body, dict) else None
    first: Any = errors[0] if isinstance(errors, list) and errors else None
    if first is None and isinstance(body, dict):
        first = body.get("message") or body.get("error")
    if isinstance(first, dict):
        first = first.get("message") or first.get("error") or first
    return " ".join(str(first or "").split())[:100]


class CorpusRun:
    """Sends the corpus through ``lc`` and checks what the target stored."""

    def __init__(self, lc: Any, data: Any, version: str, school_urn: str | None) -> None:
        self.lc, self.data, self.version, self.school_urn = lc, data, version, school_urn
        self.found = Findings()
        self.rows: dict[int, str] = {}  # row index → trainee_id
        self.expected: dict[str, list[tuple[Part, dict[str, Any], list, list]]] = {}  # trainee_id → checks
        self.refused_names: list[tuple[Part, str]] = []
        self.counted: dict[str, set[str]] = {}  # trainee_id → families whose every item the corpus chose
        self.earliest: str | None = None

    def tokens(self) -> Tokens:
        return Tokens(self.data.dates, self.school_urn)

    def body(self, part: Part, tokens: Tokens) -> dict[str, Any]:
        route = str(part.set.get("training_route") or part.route)
        body = self.data.trainee(route if route in ROUTES else "12")
        body.update(in_version(tokens.resolve(part.set), self.version))
        for key in in_version(dict.fromkeys(part.drop), self.version):
            body.pop(key, None)
        return body

    def expect(self, trainee_id: str, part: Part, tokens: Tokens, fields: dict[str, Any] | None = None) -> None:
        wanted = in_version(tokens.resolve(part.expected() if fields is None else fields), self.version)
        self.expected.setdefault(trainee_id, []).append(
            (part, wanted, tokens.resolve(part.expect_degrees), tokens.resolve(part.expect_placements)))

    # -- trainees ------------------------------------------------------------------------------------
    def create_valid(self, index: int | None, parts: list[Part]) -> None:
        part, tokens = combine(parts), self.tokens()
        body = self.body(part, tokens)
        name = f"valid create {'row ' + str(index) if index is not None else parts[0].id}"

        def blamed(response: httpx.Response | None) -> str:  # the part of the row the errors name
            text = response.text if response is not None else ""
            return next((p for p in parts if any(k in text for k in p.set)), parts[0]).requirement

        response = self.found.send(blamed, name, f"{name} ({part.label})", lambda: self.lc.create(body), 201)
        if response is None:
            return
        created = response.json()["data"]
        trainee_id = created["trainee_id"]
        self.earliest = min(filter(None, (self.earliest, created.get("updated_at"))))
        if index is not None:
            self.rows[index] = trainee_id
        for p in parts:
            self.expect(trainee_id, p, tokens)
        self.counted[trainee_id] = {f for f in ("degrees", "placements")
                                    if f"{f}_attributes" in (*part.set, *part.drop)}

    def create_invalid(self, part: Part) -> None:
        body = self.body(part, self.tokens())
        name = f"refused create {part.id}"
        self.refused_names.append((part, body["last_name"]))
        self.found.send(part.requirement, name, f"{name}: {part.set}", lambda: self.lc.create(body), 422,
                        tuple(in_version(dict.fromkeys(part.error), self.version)))

    def updates(self) -> None:
        section = corpus.load("trainees")["update"]
        trainee_id = self.rows.get(section["row"])
        if trainee_id is None:
            return
        later: set[str] = set(section.get("not_asserted") or ())
        checks = []
        for part in corpus.cases("trainees", "update", self.version):
            tokens = self.tokens()
            body, name = in_version(tokens.resolve(part.set), self.version), f"update {part.id}"
            response = self.found.send(part.requirement, name, f"{name}: {part.set}",
                                       lambda b=body: self.lc.update(trainee_id, b, method="PATCH"),
                                       422 if part.error else 200, part.error)
            if response is not None and not part.error:
                later |= set(part.expected())
                checks.append((part, tokens))
        # what the create rows expected for fields a later update changed no longer holds
        self.expected[trainee_id] = [(p, {k: v for k, v in w.items() if k not in in_version(dict.fromkeys(later),
                                                                                             self.version)}, d, pl)
                                     for p, w, d, pl in self.expected.get(trainee_id, [])]
        done: dict[str, Any] = {}
        for part, tokens in checks:  # the last update of a field wins
            for key, value in part.expected().items():
                done[key] = (part, tokens, value)
        for key, (part, tokens, value) in done.items():
            self.expect(trainee_id, part, tokens, {key: value})

    # -- degrees and placements ----------------------------------------------------------------------
    def children(self, family: str) -> None:
        section = corpus.load(family)
        trainee_id = self.rows.get(section["row"])
        if trainee_id is None:
            return
        post = self.lc.add_degree if family == "degrees" else self.lc.add_placement
        for part in corpus.cases(family, "valid", self.version):
            if part.needs == "school_urn" and not self.school_urn:
                continue
            tokens, name = self.tokens(), f"valid {family[:-1]} {part.id}"
            body = tokens.resolve(part.set)
            response = self.found.send(part.requirement, name, f"{name} ({part.label})",
                                       lambda b=body: post(trainee_id, b), 201)
            if response is not None:
                item = tokens.resolve(part.expected())
                checks = ([item], []) if family == "degrees" else ([], [item])
                self.expected.setdefault(trainee_id, []).append((part, {}, *checks))
        for part in corpus.cases(family, "invalid", self.version):
            body, name = self.tokens().resolve(part.set), f"refused {family[:-1]} {part.id}"
            self.found.send(part.requirement, name, f"{name}: {part.set}", lambda b=body: post(trainee_id, b), 422,
                            part.error)

    # -- reading everything back ---------------------------------------------------------------------
    def read_back(self) -> dict[str, dict[str, Any]]:
        """Every trainee updated since the first create (index pages), then any still missing (show)."""
        wanted = set(self.expected)
        seen: dict[str, dict[str, Any]] = {}
        if self.earliest:
            since = (datetime.fromisoformat(self.earliest.replace("Z", "+00:00")) - timedelta(seconds=1))
            for page in range(1, 6):
                response = self.lc.index(since=since.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                                         per_page=100, page=page)
                if response.status_code != 200:
                    break
                body = response.json()
                seen.update({t.get("trainee_id"): t for t in body.get("data") or [] if isinstance(t, dict)})
                if wanted <= seen.keys() or page >= int((body.get("meta") or {}).get("total_pages") or 0):
                    break
        for trainee_id in sorted(wanted - seen.keys()):
            response = self.lc.show(trainee_id)
            if response.status_code == 200:
                seen[trainee_id] = response.json()
        return seen

    def check(self, stored: dict[str, dict[str, Any]]) -> None:
        for trainee_id, checks in self.expected.items():
            obj = stored.get(trainee_id)
            if obj is None:
                self.found.problem(checks[0][0].requirement, f"trainee {trainee_id}",
                                   ["created (201) but not found on re-read"])
                continue
            for part, fields, degrees, placements in checks:
                problems = differences(obj, fields)
                problems += [f"no stored degree matches {d}" for d in unmatched(obj.get("degrees") or [], degrees)]
                problems += [f"no stored placement matches {p}"
                             for p in unmatched(obj.get("placements") or [], placements)]
                self.found.problem(part.requirement, f"re-read of {trainee_id}: {part.label}", problems)
        for trainee_id, checks in self.expected.items():
            obj = stored.get(trainee_id)
            for family, position in (("degrees", 2), ("placements", 3)):
                if family not in self.counted.get(trainee_id, ()):
                    continue
                expected = sum(len(check[position]) for check in checks)
                count = len(obj.get(family) or []) if obj else expected
                if count != expected:
                    requirement = "IN-DEGREE-INPUTS" if family == "degrees" else "IN-PLACEMENT-INPUTS"
                    self.found.problem(requirement, f"{family} of {trainee_id}",
                                       [f"{count} stored, {expected} sent and accepted: a refused one was kept "
                                        "or an accepted one lost"])
        names = {t.get("last_name"): t.get("trainee_id") for t in stored.values()}
        for part, last_name in self.refused_names:
            if last_name in names:
                self.found.problem(part.requirement, f"refused create {part.id}",
                                   [f"stored anyway as trainee {names[last_name]}"])


@pytest.mark.requirement(*IDS)
def test_input_corpus(lc, data, version, settings):
    """Valid variants are accepted and read back as documented; invalid boundaries are 422, never stored."""
    run = CorpusRun(lc, data, version, settings.school_urn)
    for index, parts in enumerate(corpus.trainee_rows(version)):
        run.create_valid(index, parts)
    for part in corpus.cases("trainees", "valid", version):
        run.create_valid(None, [part])
    for part in corpus.cases("trainees", "invalid", version):
        run.create_invalid(part)
    run.updates()
    run.children("degrees")
    run.children("placements")
    run.check(run.read_back())
    run.found.raise_if_failed()
