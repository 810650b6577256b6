"""The one way a failure names its requirement: ``RequirementFailure``.

Raised by the ``expect`` helpers, by a lifecycle ``step(...)`` (which names the step's requirement),
by the schema validation of lifecycle responses (``LC-SCHEMA``) and by our Schemathesis checks; a
Schemathesis failure of a built-in check is turned into one by ``schema_run`` (the check → requirement
link is data in the catalogue, ``checks:``). It carries the requirement id, a one-line title, the
failure text and the raw response whose exchange showed it. A test that checks many independent cases
(the input corpus) raises one ``RequirementFailure.several(...)``: each of its ``findings`` is a failure
of its own, with its own requirement, exchange and one-line ``statement``.

The plugin's report hook (``plugin.pytest_runtest_makereport``) is the only reader: it finds the
failure in the exception (``find_failure``), turns its exchange into redacted, structured
``request`` / ``response`` fields and a runnable curl (``exchange_record``), and puts them on the
test report for the collector, JUnit and the terminal.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any

from register_conformance.clientcert.exchange import Exchange, redact_authorization, redact_exchange_headers
from register_conformance.redaction import REDACTED, SENSITIVE_HEADERS, curl_command

MAX_BODY = 4000
#: Environment variables the curl reproductions use for the run's tokens.
TOKEN_VARS = ("REGISTER_API_TOKEN", "REGISTER_API_SECOND_TOKEN")
#: Request headers left out of a curl line (curl sets them itself).
_SCHEMATHESIS_CURL = re.compile(r"\n[ \t]*Reproduce with:[ \t]*\n(?:[ \t]*\n)*[ \t]*curl [^\n]*")
_CURL_SKIP = frozenset({"content-length", "host", "accept-encoding", "connection", "user-agent"})


class RequirementFailure(AssertionError):
    """A response (or a re-read of the target's state) breaks a rule of the requirement catalogue."""

    def __init__(self, message: str, *, requirement_id: str | None = None, title: str | None = None,
                 response: Any = None, kind: str | None = None, field: str | None = None,
                 expected: str | None = None, statement: str | None = None,
                 findings: tuple[RequirementFailure, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.requirement_id = requirement_id
        self.title = title
        self.response = response
        #: What broke, for grouping failures into problems: ``status`` (an unexpected status code),
        #: ``body`` (a body field: see ``field``), a Schemathesis check's name (``field``: its finding,
        #: when the check names one), or None (the requirement itself is the signature).
        self.kind = kind
        self.field = field
        self.expected = expected
        #: One line saying what was seen ("valid create row 0: 422 date_of_birth …"): the statement of
        #: the problem this failure leads, where its signature is the requirement itself (kind None).
        self.statement = statement
        #: Several independent failures reported by one test (see ``several``); empty for a single one.
        self.findings = findings

    @classmethod
    def several(cls, findings: list[RequirementFailure] | tuple[RequirementFailure, ...],
                heading: str) -> RequirementFailure:
        """One failure standing for ``findings``, each reported as a failure of its own.

        The reports' reader (``plugin._failure_record``) turns every finding into its own failure
        record (requirement, exchange, curl); the combined text (``heading`` then every finding's
        message) is what the console and JUnit show. The first finding names the requirement of the
        whole for readers that take one (JUnit's message).
        """
        first = findings[0]
        text = heading + "\n\n" + "\n\n".join(f.message for f in findings)
        return cls(text, requirement_id=first.requirement_id, title=first.title, response=first.response,
                   kind=first.kind, field=first.field, expected=first.expected, statement=first.statement,
                   findings=tuple(findings))

    def __str__(self) -> str:
        return self.message

    def named(self, requirement_id: str, title: str) -> RequirementFailure:
        """This failure inside the step ``[requirement_id] title``.

        A failure that already names a requirement (the schema check inside a step) keeps it: the
        innermost rule that broke is the one reported; the step title is kept as context.
        """
        rid = self.requirement_id or requirement_id
        heading = f"[{rid}] {title}" if rid == requirement_id else f"[{rid}] {self.title or rid} (in step: {title})"
        body = self.message
        if body.startswith(f"[{rid}] "):
            body = body.split("\n", 1)[1] if "\n" in body else ""
        return RequirementFailure(f"{heading}\n{body}".rstrip(), requirement_id=rid,
                                  title=self.title if rid != requirement_id else title, response=self.response,
                                  kind=self.kind, field=self.field, expected=self.expected, statement=self.statement)


def find_failure(exc: BaseException | None) -> RequirementFailure | None:
    """The ``RequirementFailure`` behind ``exc``: itself, a cause/context, a group member, or the
    exception a Schemathesis ``CustomFailure`` wraps."""
    seen: set[int] = set()
    stack = [exc] if exc is not None else []
    while stack:
        current = stack.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, RequirementFailure):
            return current
        stack.extend(getattr(current, "exceptions", ()) or ())
        wrapped = getattr(current, "exception", None)
        if isinstance(wrapped, BaseException):
            stack.append(wrapped)
        stack.extend((current.__cause__, current.__context__))
    return None


# -- the exchange of a failure, for people -----------------------------------------------------
def _header_items(headers: Any) -> list[tuple[str, str]]:
    items = headers.items() if hasattr(headers, "items") else headers or ()
    out = []
    for name, value in items:
        out.append((str(name), ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)))
    return out


def _text(body: Any) -> str | None:
    if body is None or body == b"" or body == "":
        return None
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else str(body)
    return text[:MAX_BODY]


def _request_body(request: Any) -> str | None:
    content = getattr(request, "content", None)  # httpx
    if content is None:
        content = getattr(request, "body", None)  # requests
    return _text(content)


def _response_body(response: Any) -> str | None:
    return _text(getattr(response, "content", None))


def exchange_of(response: Any, tokens: Mapping[str, str] | None = None) -> Exchange:
    """The redacted ``Exchange`` behind an httpx, requests or Schemathesis response.

    ``tokens`` maps each of the run's secrets to the environment variable that stands for it; the
    ``client`` field says which one the request carried (``$REGISTER_API_SECOND_TOKEN``, …), or
    ``anonymous``. A credential the run does not own (a deliberately wrong token) is kept as sent, so
    a reproduction of a 401 stays a 401.
    """
    tokens = dict(tokens or {})
    request = response.request
    client = "anonymous"
    headers = []
    for name, value in _header_items(request.headers):
        lower = name.lower()
        if lower == "authorization":
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip()
            secret = credential if credential in tokens else (scheme if scheme in tokens and not credential else None)
            if secret is not None:
                client = f"${tokens[secret]}"
                value = redact_authorization(value)
            else:
                client = "other credential"
        elif lower in SENSITIVE_HEADERS:
            value = REDACTED
        headers.append((name, value))
    return Exchange(seq=0, started=time.time(), client=client, method=str(request.method or "GET").upper(),
                    url=str(request.url), request_headers=tuple(headers), request_body=_request_body(request),
                    status=int(response.status_code),
                    response_headers=redact_exchange_headers(_header_items(response.headers)),
                    response_body=_response_body(response))


def curl_of(exchange: Exchange) -> str:
    """A curl line that reproduces ``exchange``: body included, the token as ``$REGISTER_API_…TOKEN``."""
    headers = []
    for name, value in exchange.request_headers:
        if name.lower() in _CURL_SKIP:
            continue
        if name.lower() == "authorization" and REDACTED in value and exchange.client.startswith("$"):
            value = value.replace(REDACTED, exchange.client)
        headers.append((name, value))
    return curl_command(exchange.method, exchange.url, headers, exchange.request_body, redact=False)


def exchange_record(exchange: Exchange) -> dict[str, Any]:
    """``{"request": {method, url, headers, body}, "response": {status, headers, body}, "curl": …}``."""
    return {
        "request": {"method": exchange.method, "url": exchange.url, "headers": dict(exchange.request_headers),
                    "body": _maybe_json(exchange.request_body)},
        "response": {"status": exchange.status, "headers": dict(exchange.response_headers),
                     "body": _maybe_json(exchange.response_body)},
        "curl": curl_of(exchange),
    }


def _maybe_json(text: str | None) -> Any:
    """A JSON body as data (readable in summary.json), anything else as text."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def from_schemathesis(failures: list[Any], response: Any, text: str,
                      probes: Mapping[str, Any] | None = None) -> RequirementFailure:
    """One ``RequirementFailure`` for the failures Schemathesis reported on one response.

    The first failure names the requirement: ours carry it (wrapped in a ``CustomFailure``), a built-in
    check's is the catalogue requirement listing that check (``checks:``). ``text`` is the full report.
    ``probes`` maps the case id of a request a check sent itself to its response (``ignored_auth``
    probes without or with a wrong credential): a failure naming that case carries that exchange, so
    its curl sends what the probe sent, never the run's token.
    """
    from register_conformance.requirements import for_check

    # Schemathesis' own curl line hides the token and drops the body; the report hook writes one that runs.
    text = _SCHEMATHESIS_CURL.sub("", text)
    for failure in failures:
        ours = find_failure(failure) if isinstance(failure, BaseException) else None
        if ours is not None:
            return RequirementFailure(text, requirement_id=ours.requirement_id, title=ours.title,
                                      response=ours.response if ours.response is not None else response,
                                      kind=ours.kind, field=ours.field, expected=ours.expected)
    first = failures[0] if failures else None
    response = (probes or {}).get(getattr(first, "case_id", None) or "", response)
    checks = tuple(getattr(first, "checks", ()) or ())
    rid = next((r for r in map(for_check, checks) if r), None)
    kind, field, expected = None, None, None
    if {"status_code_conformance", "not_a_server_error"} & set(checks):
        kind = "status"
        expected = _expected_status(first, response)
    elif getattr(first, "instance_path", None) is not None:
        kind, field = "body", "/".join(str(p) for p in first.instance_path) or "(root)"
    elif checks:
        kind, field = checks[0], _finding(first)
    title = str(getattr(first, "title", "") or "") or None
    return RequirementFailure(text, requirement_id=rid, title=title, response=response, kind=kind, field=field,
                              expected=expected)


def _finding(failure: Any) -> str | None:
    """What tells two findings of a check apart whatever status the exchange got, when the check says:
    ``ignored_auth``'s credential scenario (``no_auth``, ``invalid_auth``, ``generated_auth``)."""
    scenario = getattr(failure, "scenario", None)
    return str(scenario) if scenario is not None else None


def _expected_status(failure: Any, response: Any) -> str | None:
    """For an undocumented status: the documented statuses of the same class (a 200 where 201 is
    documented reads "201"), so the same wrong status groups with what the hand-written tests expect."""
    defined = [str(c) for c in getattr(failure, "defined_status_codes", None) or ()]
    received = str(getattr(response, "status_code", ""))
    same_class = [c for c in defined if c[:1] == received[:1] and c != received]
    return " or ".join(same_class) if same_class else None
