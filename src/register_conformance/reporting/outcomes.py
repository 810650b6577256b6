"""Outcomes of tests and requirements, and the one roll-up rule.

A test ends ``passed``, ``failed``, ``skipped`` or ``error`` (setup/teardown broke). A requirement's
verdict rolls up the outcomes of the tests citing it by fixed priority error > fail > skip > pass
(Inferno's result summarizer). Requirements no test covers are ``not-covered``; those that do not
apply to an API version are ``not-applicable``.
"""

from __future__ import annotations

from collections.abc import Iterable

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"
TEST_OUTCOMES = (PASSED, FAILED, SKIPPED, ERROR)

#: Requirement verdicts, worst first.
PRIORITY = ("error", "fail", "skip", "pass")
NOT_COVERED, NOT_APPLICABLE = "not-covered", "not-applicable"
VERDICTS = (*PRIORITY, NOT_COVERED, NOT_APPLICABLE)
_FROM_TEST = {PASSED: "pass", FAILED: "fail", SKIPPED: "skip", ERROR: "error"}

CONFORMANT, NON_CONFORMANT, INTERRUPTED = "conformant", "non-conformant", "interrupted"


def rollup(outcomes: Iterable[str]) -> str:
    """The worst verdict among test outcomes (error > fail > skip > pass); ``not-covered`` if none."""
    verdicts = {_FROM_TEST.get(o, o) for o in outcomes}
    for verdict in PRIORITY:
        if verdict in verdicts:
            return verdict
    return NOT_COVERED


def test_outcome(phases: dict[str, str], *, xfailed: bool = False) -> str:
    """One test outcome from its phase outcomes (``{"setup": "passed", "call": "failed", ...}``)."""
    setup, call, teardown = phases.get("setup"), phases.get("call"), phases.get("teardown")
    if setup == "failed":
        return ERROR
    if call == "failed":
        return FAILED
    if xfailed or setup == "skipped" or call == "skipped":
        return SKIPPED
    if teardown == "failed":
        return ERROR
    return PASSED if call == "passed" else SKIPPED


def counts_against(outcome: str) -> bool:
    """True when this test outcome makes a run non-conformant (unless baselined)."""
    return outcome in (FAILED, ERROR)
