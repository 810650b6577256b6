"""Glue between Schemathesis cases and the suite: send through our session, record, check, redact.

``SchemaRun.call_and_validate(case)`` is what a generated test calls; ``SchemaRun.state_machine()``
gives the stateful machine bound to the same session, checks and counters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from register_conformance.binding import Binder
from register_conformance.redaction import redact_text
from register_conformance.schema_checks import NegativePolicy, error_body_conformance
from register_conformance.stats import OperationStats

#: Responses that mean "the target is rate limiting us", never non-conformance.
RATE_LIMITED = 429


def requirement_ids(failures: list[Any]) -> list[str]:
    """Requirement ids broken by Schemathesis ``failures`` (ours carry theirs; built-in checks: catalogue)."""
    from register_conformance.failures import find_failure
    from register_conformance.requirements import for_check

    ids: list[str] = []
    for failure in failures:
        ours = find_failure(failure)
        rid = ours.requirement_id if ours is not None else None
        if rid is None:
            rid = next((r for r in map(for_check, getattr(failure, "checks", ()) or ()) if r), None)
        if rid and rid not in ids:
            ids.append(rid)
    return ids


def describe_requirements(ids: list[str]) -> str:
    from register_conformance.requirements import catalogue

    known = catalogue()
    return "\n".join(f"Requirement {i}: {known[i].title} ({known[i].source})" for i in ids if i in known)


#: How often the stateful phase is tried when Hypothesis aborts it for diverging generation.
STATEFUL_ATTEMPTS = 3


class SchemaRun:
    """Everything a generated test needs, shared across the session."""

    def __init__(self, schema: Any, session: requests.Session, stats: OperationStats, *,
                 binder: Binder | None = None, checks: list[Callable[..., Any]] | None = None,
                 secrets: tuple[str, ...] = ()) -> None:
        from register_conformance.loader import route_through

        self.schema = route_through(schema, session)
        self.session = session
        self.stats = stats
        self.binder = binder
        self.policy = NegativePolicy(schema.raw_schema)
        self.checks = [error_body_conformance, *(checks or [])]
        self.secrets = tuple(s for s in secrets if s)
        self.auth_confirmed: set[str] = set()
        self.stateful_failures: list[AssertionError] = []

    def excluded_for(self, case: Any, response: Any) -> list[Callable[..., Any]]:
        """Built-in checks that do not apply to ``case``.

        ``negative_data_rejection`` where the facts say the API accepts the input (``checks.NegativePolicy``);
        ``ignored_auth`` once an operation has been confirmed to enforce auth (as Schemathesis' own engine
        does: enforcement is a property of the operation; each probe costs two requests).
        """
        from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

        excluded = [] if self.policy.applies(case) else [negative_data_rejection]
        label = case.operation.label
        if label in self.auth_confirmed:
            excluded.append(ignored_auth)
        elif 200 <= response.status_code < 300:
            self.auth_confirmed.add(label)  # confirmed by this call's probes (a failure raises anyway)
        return excluded

    def record(self, case: Any, response: Any) -> None:
        meta = case.meta
        positive = None if meta is None else not meta.generation.mode.is_negative
        self.stats.record(case.operation.label, response.status_code, positive)
        if self.binder is not None:
            try:
                body = response.json()
            except ValueError:
                body = None
            self.binder.after_response(case, response.status_code, body)

    def skip_if_rate_limited(self, response: Any) -> None:
        if response.status_code == RATE_LIMITED:
            import pytest

            pytest.skip("the target kept answering 429 after the retry budget; rate limiting is not non-conformance")

    def validate(self, case: Any, response: Any, transport_kwargs: dict[str, Any] | None = None,
                 recorder: Any = None) -> None:
        """Run the built-in and our checks; failures are re-raised with every secret redacted.

        A check that sends requests of its own (``ignored_auth``'s probes without or with a wrong
        credential) records them in ``recorder`` under the case id its failure names, so the failure
        carries the exchange that showed it, not the case's own (a stateful run passes the state
        machine's recorder; otherwise one is made for this call).
        """
        __tracebackhide__ = True
        from schemathesis.core.failures import FailureGroup
        from schemathesis.core.transport import Response
        from schemathesis.engine.recorder import ScenarioRecorder

        from register_conformance.failures import from_schemathesis

        if recorder is None:
            recorder = ScenarioRecorder(label=case.operation.label)
            recorder.record_case(parent_id=None, case=case)
            recorder.record_response(case_id=case.id, response=Response.from_any(response))
        kwargs = {"session": self.session, **(transport_kwargs or {})}
        try:
            case.validate_response(response, additional_checks=self.checks,
                                   excluded_checks=self.excluded_for(case, response),
                                   transport_kwargs=kwargs, recorder=recorder)
        except FailureGroup as exc:
            failures = list(exc.exceptions)
            header = describe_requirements(requirement_ids(failures))
            text = f"{header}\n\n{exc}" if header else str(exc)
            if any("negative_data_rejection" in getattr(f, "checks", ()) for f in failures):
                text += "\n" + self.policy.explain(case)
            probes = {f.case_id: recorder.find_response(case_id=f.case_id) for f in failures
                      if getattr(f, "case_id", None) not in (None, case.id)}
            raise from_schemathesis(failures, response, redact_text(text, self.secrets),
                                    probes={k: v for k, v in probes.items() if v is not None}) from None

    def call_and_validate(self, case: Any) -> Any:
        """Send ``case`` through the session, record its status, validate it."""
        __tracebackhide__ = True
        response = case.call(session=self.session)
        self.record(case, response)
        self.skip_if_rate_limited(response)
        self.validate(case, response)
        return response

    def run_state_machine(self, settings: Any) -> None:
        """Run the stateful phase; report the first check failure even if Hypothesis' replay diverged."""
        __tracebackhide__ = True
        from hypothesis.errors import FlakyStrategyDefinition

        for attempt in range(1, STATEFUL_ATTEMPTS + 1):
            self.stateful_failures.clear()
            try:
                self.state_machine().run(settings=settings)
                return
            except FlakyStrategyDefinition:
                # Links draw their values from the target's responses, and the target's state moves on
                # (asynchronous TRNs, resources created by earlier steps): Hypothesis can then find that
                # generation diverged between two runs of a prefix. That is not a finding about the target
                # unless a check failed, so try again, then skip with the reason.
                if self.stateful_failures:
                    raise self.stateful_failures[0] from None
                if attempt == STATEFUL_ATTEMPTS:
                    import pytest

                    pytest.skip(f"stateful phase aborted {attempt} times by Hypothesis (generation depends on the "
                                "target's changing state); no check failed in the steps that ran")
            except Exception as exc:
                if self.stateful_failures:
                    raise self.stateful_failures[0] from None
                raise AssertionError(redact_text(f"{type(exc).__name__}: {exc}", self.secrets)) from None

    def state_machine(self) -> type:
        """The schema's state machine, sending through our session and running our checks."""
        run = self
        base = self.schema.as_state_machine()

        class RegisterStateMachine(base):  # type: ignore[misc, valid-type]
            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"session": run.session}

            def after_call(self, response: Any, case: Any) -> None:
                super().after_call(response, case)
                run.record(case, response)

            def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                                  **kwargs: Any) -> None:
                __tracebackhide__ = True
                run.skip_if_rate_limited(response)
                try:
                    run.validate(case, response, kwargs, recorder=getattr(self, "recorder", None))
                except AssertionError as exc:
                    # Hypothesis replays a failing scenario against a server whose state has moved on, which
                    # can end in a "Flaky" error hiding this failure; keep it so the test can report it.
                    run.stateful_failures.append(exc)
                    raise

        return RegisterStateMachine
