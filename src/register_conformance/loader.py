"""Load the overlaid official schema as a Schemathesis schema, and validate any response against it.

``load_schema(version, base_url, ...)`` gives a Schemathesis OpenAPI schema with an explicit
``schemathesis.Config`` (never a stray ``schemathesis.toml``): base URL, pinned ``api_version``,
auth header, seed, examples per profile, phases and the checks this suite uses.

``ResponseValidator`` validates an ``httpx.Response`` from a hand-written test against the same
overlaid schema: ``validator.validate(response)`` finds the operation from the request's method
and URL and raises a Schemathesis failure (an ``AssertionError``) when the body, status code or
content type break the schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from register_conformance.errors import ConfigurationError
from register_conformance.overlay import load_overlaid

#: Built-in Schemathesis checks this suite runs; everything else is disabled.
ENABLED_CHECKS: tuple[str, ...] = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "missing_required_header",
    "use_after_free",
    "ensure_resource_availability",
)
DISABLED_CHECKS: tuple[str, ...] = (
    "response_headers_conformance",
    "positive_data_acceptance",
    "unsupported_method",
    "allow_header_conformance",
    # Replaced by our REST isolation check (checks.object_level_isolation): Schemathesis' version needs a
    # WFC identities document, and the facts pin the exact answer (404 "Trainee(s) not found", core.md §3.6).
    "object_level_authorization",
)
#: Statuses with which the API rejects invalid input (core.md §5.1; lifecycle.md §0.1). 401 is for
#: missing credentials, 404 for ids that do not exist.
NEGATIVE_EXPECTED_STATUSES: tuple[int, ...] = (400, 401, 404, 409, 422)


@dataclass(frozen=True)
class Profile:
    """How hard to test: examples per operation and stateful effort."""

    name: str
    max_examples: int
    coverage: bool
    stateful_steps: int
    stateful_examples: int


PROFILES: dict[str, Profile] = {
    "quick": Profile("quick", max_examples=4, coverage=True, stateful_steps=6, stateful_examples=4),
    "standard": Profile("standard", max_examples=20, coverage=True, stateful_steps=10, stateful_examples=15),
    "thorough": Profile("thorough", max_examples=100, coverage=True, stateful_steps=20, stateful_examples=60),
    # Live targets at 100 requests/minute: examples + a little fuzzing, no coverage sweep.
    "certify": Profile("certify", max_examples=2, coverage=False, stateful_steps=4, stateful_examples=2),
}


def profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigurationError(f"unknown profile {name!r}; expected one of {', '.join(PROFILES)}") from None


def build_config(*, version: str, base_url: str | None, token: str | None = None, seed: int | None = None,
                 profile_name: str = "standard") -> Any:
    """An explicit ``schemathesis.Config`` for one run (no ``schemathesis.toml`` lookup)."""
    import schemathesis

    prof = profile(profile_name)
    checks: dict[str, Any] = {name: {"enabled": True} for name in ENABLED_CHECKS}
    checks.update({name: {"enabled": False} for name in DISABLED_CHECKS})
    checks["negative_data_rejection"]["expected-statuses"] = list(NEGATIVE_EXPECTED_STATUSES)
    # No NUL bytes: the real service stores text in PostgreSQL, which rejects them (a 500 would not be a finding).
    generation = {"max-examples": prof.max_examples, "database": "none", "mode": "all", "allow-x00": False}
    raw: dict[str, Any] = {
        "parameters": {"path.api_version": version},
        "generation": generation,
        "checks": checks,
        "phases": {
            "examples": {"enabled": True, "fill-missing": True},
            "coverage": {"enabled": prof.coverage, "unexpected-methods": []},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": prof.stateful_steps,
                         # Only our reviewed links, no inferred ones.
                         "inference": {"algorithms": []},
                         # Chains of valid calls; invalid input is the per-operation tests' job.
                         "generation": {"max-examples": prof.stateful_examples, "database": "none",
                                        "mode": "positive"}},
        },
        "output": {"sanitization": {"enabled": True, "keys-to-sanitize": ["authorization", "cookie", "set-cookie"]}},
        "warnings": False,
    }
    if base_url:
        raw["base-url"] = base_url
    if seed is not None:
        raw["seed"] = seed
    if token:
        raw["headers"] = {"Authorization": f"Bearer {token}"}
    return schemathesis.Config.from_dict(raw)


def load_schema(version: str, base_url: str | None, *, token: str | None = None, openapi_dir: str | None = None,
                profile_name: str = "standard", seed: int | None = None) -> Any:
    """The overlaid official schema of ``version`` as a Schemathesis schema bound to ``base_url``."""
    import schemathesis

    from register_conformance.redaction import install_case_repr_redaction

    install_case_repr_redaction()
    document = load_overlaid(version, openapi_dir)
    config = build_config(version=version, base_url=base_url, token=token, seed=seed, profile_name=profile_name)
    return schemathesis.openapi.from_dict(document, config=config)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "^" + "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts) + "$"
    )


class ResponseValidator:
    """Validate responses of hand-written tests against the overlaid schema of one version."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self._routes = [(_template_regex(op.path), op.method.upper(), op) for op in self._operations()]

    def _operations(self) -> list[Any]:
        out = []
        for result in self.schema.get_all_operations():
            op = result.ok() if hasattr(result, "ok") else result
            out.append(op)
        return out

    def operation_for(self, method: str, url: str) -> tuple[Any, dict[str, str]]:
        """The schema operation serving ``method url`` and its path parameters (ConfigurationError if none)."""
        path = urlsplit(url).path
        method = method.upper()
        # The version segment is the only prefix before /api; anything before it is the base URL.
        for regex, op_method, op in self._routes:
            tail = path[path.find("/api/"):] if "/api/" in path else path
            match = regex.match(tail)
            if op_method == method and match:
                return op, match.groupdict()
        raise ConfigurationError(f"{method} {path} is not an operation of the overlaid schema")

    def validate(self, response: Any) -> None:
        """Check status code, content type and body of ``response`` (httpx/requests) against the schema."""
        __tracebackhide__ = True
        from schemathesis.core.failures import FailureGroup
        from schemathesis.specs.openapi.checks import (
            content_type_conformance,
            response_schema_conformance,
            status_code_conformance,
        )

        request = response.request
        url = str(request.url)
        op, params = self.operation_for(request.method, url)
        case = op.Case(path_parameters=params)
        parts = urlsplit(url)
        prefix = parts.path[: parts.path.find("/api/")] if "/api/" in parts.path else ""
        try:
            case.validate_response(
                response,
                checks=[status_code_conformance, content_type_conformance, response_schema_conformance],
                transport_kwargs={"base_url": f"{parts.scheme}://{parts.netloc}{prefix}"},
            )
        except FailureGroup as exc:
            from register_conformance.failures import from_schemathesis
            from register_conformance.redaction import redact_text

            raise from_schemathesis(list(exc.exceptions), response, redact_text(str(exc), _secrets_of(response))) \
                from None


def _secrets_of(response: Any) -> tuple[str, ...]:
    value = response.request.headers.get("authorization") or ""
    token = value.removeprefix("Bearer ").strip()
    return (token,) if token else ()


@lru_cache(maxsize=4)
def response_validator(version: str, openapi_dir: str | None = None) -> ResponseValidator:
    """A cached validator for ``version`` (no base URL needed: responses carry their request)."""
    return ResponseValidator(load_schema(version, None, openapi_dir=openapi_dir))


def route_through(schema: Any, session: Any) -> Any:
    """Send *all* of ``schema``'s traffic through ``session`` (our throttle, retry and counters).

    Schemathesis strips the caller's session from the probes some checks send (``ignored_auth``
    replays a request without credentials through a fresh session), so passing ``session=`` to
    ``case.call`` is not enough. The schema's class gets a ``transport`` that falls back to
    ``session`` whenever no session is given; clones of the schema (pytest plugin) keep it.
    ``session`` must carry no credentials. Idempotent per session.

    A library patch, on purpose (listed in docs/ARCHITECTURE.md): Schemathesis 4.x has no public way to give a
    schema a transport or a default session (``BaseSchema.transport`` is a read-only property over
    ``transport.get(app)``, and its probes call ``schema.transport.send`` directly), so this one schema object
    gets a subclass overriding that property; the Schemathesis classes themselves are untouched.
    """
    if getattr(schema, "_register_session", None) is session:
        return schema
    inner = type(schema).transport.fget(schema)  # type: ignore[attr-defined]
    transport = _RoutedTransport(getattr(inner, "inner", inner), session)
    base = type(schema)
    schema.__class__ = type(base.__name__, (base,), {"transport": property(lambda self: transport),
                                                      "_register_session": session})
    return schema


class _RoutedTransport:
    """Delegates to Schemathesis' transport; ``send`` defaults the session to ours."""

    def __init__(self, inner: Any, session: Any) -> None:
        self.inner = inner
        self.session = session

    def send(self, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
        return self.inner.send(case, session=session if session is not None else self.session, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
