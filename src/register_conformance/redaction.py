"""Keep tokens out of everything that can be printed or stored (logs, failures, curl, reports)."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping

REDACTED = "[REDACTED]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` with credentials replaced by a marker."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in items}


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret value replaced by a marker (longest first)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def curl_command(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    body: bytes | str | None = None,
    *,
    redact: bool = True,
) -> str:
    """A copy-pasteable curl reproduction with credentials redacted.

    With ``redact`` (headers straight off a request) the ``Authorization`` header is written as
    ``Bearer $REGISTER_API_TOKEN`` so the command works once the user exports their own token.
    Without it the headers are taken as already redacted (``failures.curl_of``): a value naming an
    environment variable (``Bearer $REGISTER_API_SECOND_TOKEN``) is double-quoted so the shell expands it.
    """
    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    items = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in (redact_headers(items) if redact else dict(items)).items():
        if name.lower() in ("content-length", "host", "accept-encoding", "connection", "user-agent"):
            continue
        if redact and value == REDACTED and name.lower() == "authorization":
            parts += ["-H", '"Authorization: Bearer $REGISTER_API_TOKEN"']
        elif not redact and "$REGISTER_" in value:
            parts += ["-H", f'"{name}: {value}"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        parts += ["--data-raw", shlex.quote(text)]
    return " ".join(parts)


def install_case_repr_redaction() -> None:
    """Make Schemathesis ``Case`` reprs hide credentials.

    pytest prints test arguments in tracebacks and Hypothesis prints the falsifying ``case``; both
    use ``repr(case)``, which would otherwise show the ``Authorization`` header. Idempotent.

    This is the project's one patch of a library class, on purpose: neither pytest nor Hypothesis
    offers a hook to format an argument, and Schemathesis has no repr option. Everything else is
    wired explicitly (fixtures, the plugin's stash, exchange observers; docs/ARCHITECTURE.md).
    """
    from schemathesis.generation.case import Case

    original = Case.__repr__
    if getattr(original, "_register_redacted", False):
        return

    def __repr__(self: Case) -> str:
        headers = self.headers
        if not headers or not any(k.lower() in SENSITIVE_HEADERS for k in headers):
            return original(self)
        safe = type(headers)(redact_headers(dict(headers)))
        try:
            object.__setattr__(self, "headers", safe)
            return original(self)
        finally:
            object.__setattr__(self, "headers", headers)

    __repr__._register_redacted = True  # type: ignore[attr-defined]
    Case.__repr__ = __repr__  # type: ignore[method-assign]
