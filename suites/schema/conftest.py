"""Schema-driven suite: the overlaid official schema drives Schemathesis against the target.

Fixtures here wire the harness together: the Schemathesis schema (``schema``), the binder that
gives generated cases real ids and valid bodies, and ``schema_run`` that sends, records and checks each case.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from register_conformance import binding
from register_conformance.binding import Binder
from register_conformance.client import ApiClient
from register_conformance.generation import Builder
from register_conformance.loader import profile
from register_conformance.plugin import session_schema
from register_conformance.schema_checks import make_deleted_is_gone_check, make_isolation_check, make_trainee_keys_check
from register_conformance.schema_run import SchemaRun
from register_conformance.settings import Settings
from register_conformance.stats import OperationStats


@pytest.fixture(scope="session")
def schema(pytestconfig: pytest.Config, settings: Settings):
    """The overlaid schema of the selected version (the one the generated tests were collected from)."""
    if not settings.token:
        pytest.skip("no token: set REGISTER_API_TOKEN or pass --token")
    return session_schema(pytestconfig)


@pytest.fixture(scope="session")
def binder(api: ApiClient, settings: Settings) -> Iterator[Binder]:
    """Real resources of provider A for generated cases (created lazily, named with the run id)."""
    b = Binder(api, Builder(settings.api_version, settings.run_id), seed=settings.seed,
               trn_wait=min(settings.trn_timeout, 5.0))
    # Each successful recommendation uses up a trainee that already has its TRN (assigned asynchronously).
    b.warm_up(recommend_spares=min(2 * profile(settings.profile).max_examples, 10))
    binding.activate(b)
    yield b
    binding.activate(None)


@pytest.fixture(scope="session")
def schema_run(schema, requests_session, binder: Binder, settings: Settings,
               operation_stats: OperationStats) -> SchemaRun:
    """Sends, records and checks each generated case (see register_conformance.schema_run)."""
    trainee = schema.raw_schema["components"]["schemas"]["Trainee"]["properties"]

    def send(method: str, url: str, headers: dict[str, str]) -> requests.Response:
        return requests_session.request(method, url, headers=headers, timeout=settings.timeout)

    checks = [make_trainee_keys_check(trainee), make_deleted_is_gone_check(send)]
    if settings.second_token:
        checks.append(make_isolation_check(settings.second_token, send))
    return SchemaRun(schema, requests_session, operation_stats, binder=binder, checks=checks,
                     secrets=settings.secrets)


@pytest.fixture(autouse=True)
def _allure_operation(request: pytest.FixtureRequest) -> None:
    """allure-pytest collapses generated tests into one unless each gets a parameter (tooling.md)."""
    label = getattr(request.node, "operation_label", None)
    if label and request.config.pluginmanager.hasplugin("allure_pytest"):
        import allure

        allure.dynamic.parameter("operation", label)
