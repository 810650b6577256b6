"""Run settings: one frozen dataclass, settled once from CLI options > environment > ini.

Every setting has a command-line option, an environment variable and a pytest ini key. Errors name
the bad value and the accepted form.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from register_conformance import API_VERSIONS
from register_conformance.errors import UsageError

#: The real service allows 100 requests per 60 s per client IP (core.md §4).
DEFAULT_RATE_LIMIT = "100/60"
#: Hosts that are production unless the user says otherwise (pytest-selenium's safe default idea).
DEFAULT_SENSITIVE_URL = r"^https?://(www\.)?register-trainee-teachers\.service\.gov\.uk"
PROFILES: tuple[str, ...] = ("quick", "standard", "thorough", "certify")


@dataclass(frozen=True)
class RateLimit:
    """Client-side throttle: at most ``max_requests`` in any ``per_seconds`` window."""

    max_requests: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str | None) -> RateLimit | None:
        """Parse ``N/SECONDS`` (e.g. ``100/60``) or ``off``."""
        if text is None or str(text).strip().lower() in ("off", "none", "0", ""):
            return None
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*", str(text))
        if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
            raise UsageError(f"invalid rate limit {text!r}: expected N/SECONDS such as 100/60, or off")
        return cls(int(match.group(1)), float(match.group(2)))

    def __str__(self) -> str:
        return f"{self.max_requests}/{self.per_seconds:g}"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about its target. ``repr`` never shows tokens."""

    base_url: str | None = None
    api_version: str = "v2026.1"
    token: str | None = field(default=None, repr=False)
    second_token: str | None = field(default=None, repr=False)
    openapi_dir: str | None = None
    profile: str = "standard"
    seed: int | None = None
    rate_limit: RateLimit | None = field(default_factory=lambda: RateLimit.parse(DEFAULT_RATE_LIMIT))
    allow_production: bool = False
    sensitive_url: str = DEFAULT_SENSITIVE_URL
    trn_timeout: float = 30.0
    timeout: float = 30.0
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    school_urn: str | None = None  # a school known to the target (school-linked placements of the input corpus)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be printed or stored."""
        return tuple(t for t in (self.token, self.second_token) if t)

    @property
    def is_sensitive(self) -> bool:
        """True when the target matches the sensitive-URL pattern (production by default)."""
        return bool(self.base_url and self.sensitive_url and re.search(self.sensitive_url, self.base_url))

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)


# name -> (environment variable, ini key)
SOURCES: dict[str, tuple[str, str]] = {
    "base_url": ("REGISTER_BASE_URL", "base_url"),
    "api_version": ("REGISTER_API_VERSION", "register_api_version"),
    "token": ("REGISTER_API_TOKEN", ""),  # secrets: never from an ini file
    "second_token": ("REGISTER_API_SECOND_TOKEN", ""),
    "openapi_dir": ("REGISTER_OPENAPI_DIR", "register_openapi_dir"),
    "profile": ("REGISTER_PROFILE", "register_profile"),
    "seed": ("REGISTER_SEED", "register_seed"),
    "rate_limit": ("REGISTER_RATE_LIMIT", "register_rate_limit"),
    "allow_production": ("REGISTER_ALLOW_PRODUCTION", "register_allow_production"),
    "sensitive_url": ("REGISTER_SENSITIVE_URL", "register_sensitive_url"),
    "trn_timeout": ("REGISTER_TRN_TIMEOUT", "register_trn_timeout"),
    "timeout": ("REGISTER_TIMEOUT", "register_timeout"),
    "run_id": ("REGISTER_RUN_ID", ""),
    "school_urn": ("REGISTER_SCHOOL_URN", "register_school_urn"),
}


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, value: Any, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise UsageError(f"invalid {name} {value!r}: expected a {kind.__name__}") from None
    if number < 0:
        raise UsageError(f"invalid {name} {value!r}: must not be negative")
    return number


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"invalid base URL {value!r}: expected http(s)://host[:port]")
    return value.rstrip("/")


def build_settings(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    ini: Mapping[str, Any] | None = None,
) -> Settings:
    """Settle each setting by precedence CLI > environment > ini > default, then validate."""
    cli, env, ini = cli or {}, env or {}, ini or {}
    raw: dict[str, Any] = {}
    for name, (env_name, ini_key) in SOURCES.items():
        for value in (cli.get(name), env.get(env_name), ini.get(ini_key) if ini_key else None):
            if value not in (None, ""):
                raw[name] = value
                break
    if "base_url" not in raw and env.get("PYTEST_BASE_URL"):
        raw["base_url"] = env["PYTEST_BASE_URL"]
    values: dict[str, Any] = {}
    if "base_url" in raw:
        values["base_url"] = _base_url(str(raw["base_url"]))
    if "api_version" in raw:
        if raw["api_version"] not in API_VERSIONS:
            raise UsageError(
                f"invalid API version {raw['api_version']!r}: expected one of {', '.join(API_VERSIONS)}"
            )
        values["api_version"] = raw["api_version"]
    for name in ("token", "second_token", "openapi_dir", "sensitive_url", "run_id"):
        if name in raw:
            values[name] = str(raw[name]).strip()
    if "school_urn" in raw:
        if not re.fullmatch(r"[0-9]{6}", str(raw["school_urn"]).strip()):
            raise UsageError(f"invalid school URN {raw['school_urn']!r}: expected 6 digits")
        values["school_urn"] = str(raw["school_urn"]).strip()
    if "profile" in raw:
        if raw["profile"] not in PROFILES:
            raise UsageError(f"invalid profile {raw['profile']!r}: expected one of {', '.join(PROFILES)}")
        values["profile"] = raw["profile"]
    if "seed" in raw:
        values["seed"] = _number("seed", raw["seed"], int)
    if "rate_limit" in raw:
        values["rate_limit"] = RateLimit.parse(str(raw["rate_limit"]))
    if "allow_production" in raw:
        values["allow_production"] = raw["allow_production"] is True or _truthy(raw["allow_production"])
    for name in ("trn_timeout", "timeout"):
        if name in raw:
            values[name] = _number(name.replace("_", " "), raw[name], float)
    if "sensitive_url" in values:
        try:
            re.compile(values["sensitive_url"])
        except re.error as exc:
            raise UsageError(f"invalid sensitive URL pattern {values['sensitive_url']!r}: {exc}") from None
    return Settings(**values)
