"""Errors the harness reports to users, and the CLI's exit codes.

Exception tree::

    ConformanceError            one clear line for the user; ``exit_code`` says how the CLI ends
    ├── UsageError              bad arguments or options                       (exit 2)
    ├── ConfigurationError      missing/corrupt schemas, bad settings          (exit 2)
    ├── TargetError             preflight failed: unreachable, TLS, 401, 404   (exit 2)
    └── InternalError           a defect of the tool itself; what it had is kept (exit 3)

Any other exception reaching the CLI is reported the same way as an ``InternalError``: one line, exit 3
(``REGISTER_CONFORMANCE_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_USAGE = 2
EXIT_CONFIG = 2
EXIT_TARGET = 2
EXIT_INTERNAL = 3


class ConformanceError(Exception):
    """A problem explained to the user in one line."""

    exit_code = EXIT_USAGE

    def __str__(self) -> str:  # one line, whatever was passed in
        return " ".join(str(self.args[0]).split()) if self.args else self.__class__.__name__


class UsageError(ConformanceError):
    """Bad command-line arguments or options."""

    exit_code = EXIT_USAGE


class ConfigurationError(ConformanceError):
    """Missing or corrupt schemas, invalid settings."""

    exit_code = EXIT_CONFIG


class TargetError(ConformanceError):
    """The target failed preflight (unreachable, TLS, auth, version not served, not JSON)."""

    exit_code = EXIT_TARGET


class InternalError(ConformanceError):
    """A defect of the tool itself (not of the target, the client or the input)."""

    exit_code = EXIT_INTERNAL
