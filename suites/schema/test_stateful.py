"""Stateful phase: chains of real operations over the overlay's OpenAPI links.

create → show / update / degrees / placements / defer / withdraw / recommend; degree and placement
create → show / update / delete. Checks include use_after_free and ensure_resource_availability.
"""

from __future__ import annotations

import hypothesis
import pytest

from register_conformance.loader import profile


@pytest.mark.requirement("SCH-STATEFUL", "SCH-NO-SERVER-ERROR", "SCH-STATUS", "SCH-RESPONSES", "SHOW-KEYS",
                         "ERR-SHAPES", "AUTH-ISOLATION", "SCH-DELETE-GONE")
def test_stateful(schema_run, settings):
    """Linked operations work on the resources their producers return; deleted resources are gone."""
    prof = profile(settings.profile)
    schema_run.run_state_machine(hypothesis.settings(
        max_examples=prof.stateful_examples,
        stateful_step_count=prof.stateful_steps,
        deadline=None,
        database=None,
        derandomize=settings.seed is not None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate],
    ))
