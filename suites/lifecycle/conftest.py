"""Fixtures of the lifecycle suite: scenario steps per provider, cleanup, request counts, leftovers.

Each test gets its own ``lc`` (provider A) whose cleanup runs after the test: it deletes the
degrees/placements the test added and withdraws the trainees it created when the API allows it.
What cannot be cleaned up is reported at the end of the run ("lifecycle leftovers"), and so is the
number of requests each test sent (``-v`` shows them per test). A failed ``step(...)`` raises a
``RequirementFailure`` naming its requirement; the plugin's report hook records it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from register_conformance.client import ApiClient, RequestStats
from register_conformance.cycle import CycleDates
from register_conformance.lifecycle import schema_check
from register_conformance.lifecycle.cleanup import Cleanup
from register_conformance.lifecycle.data import TraineeData
from register_conformance.lifecycle.steps import Lifecycle
from register_conformance.lifecycle.trn_wait import TrnWait
from register_conformance.settings import Settings

_LEFTOVERS: list[str] = []
_REQUESTS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _count_requests(request: pytest.FixtureRequest, request_stats: RequestStats) -> Iterator[None]:
    """Record the requests each test sent (setup, body and cleanup)."""
    start = request_stats.requests
    yield
    request.node.user_properties.append(("lifecycle_requests", request_stats.requests - start))


@pytest.fixture(scope="session")
def version(settings: Settings) -> str:
    """The API version under test (one per run)."""
    return settings.api_version


@pytest.fixture(scope="session")
def validator(settings: Settings) -> schema_check.Validator | None:
    """Checks each response against the overlaid schema of its operation (None if unavailable)."""
    return schema_check.response_validator(settings.api_version, settings.openapi_dir)


@pytest.fixture
def data(run_id: str, version: str) -> TraineeData:
    """Builders of unique, valid request bodies in this version's field names."""
    return TraineeData(run_id, version)


@pytest.fixture
def dates(data: TraineeData) -> CycleDates:
    """Today (UTC, as the service counts days) and the current academic cycle's dates."""
    return data.dates


@pytest.fixture(scope="session")
def trn_wait(settings: Settings) -> TrnWait:
    """The run's TRN read schedule: a fixed number of reads per wait, the target's delay learnt once."""
    return TrnWait(settings.trn_timeout)


@pytest.fixture
def lc(request: pytest.FixtureRequest, api: ApiClient, data: TraineeData, trn_wait: TrnWait,
       validator: schema_check.Validator | None) -> Iterator[Lifecycle]:
    """Scenario steps as provider A; everything created is cleaned up after the test."""
    cleanup = Cleanup()
    steps = Lifecycle(api, data, validate=validator, cleanup=cleanup, trn=trn_wait)
    yield steps
    leftovers = cleanup.run(Lifecycle(api, data))
    for item in leftovers:
        request.node.user_properties.append(("lifecycle_leftover", item))


@pytest.fixture
def lc_b(lc: Lifecycle, second_api: ApiClient) -> Lifecycle:
    """Scenario steps as provider B (the second token); creates nothing."""
    return lc.as_client(second_api)


@pytest.fixture
def lc_anon(lc: Lifecycle, anon_api: ApiClient) -> Lifecycle:
    """Scenario steps without an Authorization header."""
    return lc.as_client(anon_api)


# -- run summary (works on the xdist controller too: user_properties travel with the reports) ----------
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown":
        return
    for key, value in report.user_properties:
        if key == "lifecycle_requests":
            _REQUESTS[report.nodeid] = int(value)
        elif key == "lifecycle_leftover":
            _LEFTOVERS.append(str(value))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not _REQUESTS:
        return
    tr = terminalreporter
    tr.section("lifecycle suite")
    if config.option.verbose > 0:
        for nodeid, count in sorted(_REQUESTS.items()):
            tr.write_line(f"{count:5d} requests  {nodeid}")
    tr.write_line(f"lifecycle requests: {sum(_REQUESTS.values())} in {len(_REQUESTS)} tests")
    if _LEFTOVERS:
        tr.write_line(f"lifecycle leftovers ({len(_LEFTOVERS)}; the API offers no way to remove them):")
        for item in _LEFTOVERS:
            tr.write_line(f"  {item}")
    else:
        tr.write_line("lifecycle leftovers: none")
