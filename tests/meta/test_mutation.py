"""Mutation meta-tests: the suites pass on the clean sandbox and fail on every catalogue defect.

Each defect runs against a fresh sandbox process with the quick profile and only the tests citing
the defect's requirement ids (``--requirement``); at least one failure must cite one of those ids
(read from JUnit XML properties). The whole suite per defect and per profile is the benchmark
(``bench/mutation_score.py``), not a CI test.
"""

from __future__ import annotations

import pytest

from register_conformance.requirements import catalogue
from register_sandbox.defects import BY_NAME, CATALOGUE

from .harness import run_suites
from .targets import RESTART_ONLY, TARGETS

FAMILIES = {"authentication", "authorisation", "versioning", "status-codes", "response-shapes", "validation",
            "state-machine", "sub-resources", "index", "robustness", "persistence", "input-handling"}


def _explain(run) -> str:
    failed = [f"{t.nodeid} cites {sorted(set(t.requirements) | set(t.failed_requirements))}" for t in run.failures]
    return (f"exit {run.exit_code}, {len(run.tests)} tests, failures: {failed or 'none'}\n"
            f"{run.output_tail[-1500:]}")


def test_catalogue_is_complete():
    """At least 30 defects over every family, each described, citing known ids, each with a target."""
    assert len(CATALOGUE) >= 30
    assert {d.family for d in CATALOGUE} == FAMILIES
    known = catalogue()
    for defect in CATALOGUE:
        assert defect.description and defect.requirement_ids, defect.name
        assert set(defect.requirement_ids) <= known.keys(), defect.name
        assert defect.name in TARGETS or defect.name in RESTART_ONLY, defect.name
    assert set(TARGETS) | RESTART_ONLY == set(BY_NAME)


@pytest.mark.parametrize("version", ["v2026.1", "v2025.0"])
def test_clean_sandbox_passes_every_suite(version):
    """Schema and lifecycle suites (quick profile) pass on a clean sandbox, for each version."""
    run = run_suites(defect=None, version=version, suites=("schema", "lifecycle"), profile="quick", timeout=420)
    assert not run.timed_out, _explain(run)
    assert run.exit_code == 0 and run.tests and not run.failures, _explain(run)


def test_clean_sandbox_passes_compatibility():
    run = run_suites(defect=None, version="v2025.0", suites=("compatibility",), profile="quick", timeout=300)
    assert run.exit_code == 0 and run.tests and not run.failures, _explain(run)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_defect_is_caught(name):
    """The targeted suites fail on the defect, and a failure cites one of its requirement ids."""
    defect, target = BY_NAME[name], TARGETS[name]
    run = run_suites(defect=name, version=target.version, suites=target.suites,
                     requirements=defect.requirement_ids, profile=target.profile, timeout=300)
    assert not run.timed_out, _explain(run)
    assert run.exit_code == 1, _explain(run)
    assert run.detects(defect.requirement_ids), _explain(run)
    if defect.family == "input-handling":  # the corpus names the broken case's own requirement, not just its test's
        named = {i for t in run.failures for i in t.failed_requirements}
        assert named & set(defect.requirement_ids), _explain(run)
