"""``register-conformance sandbox``: start the reference Register API in its own process.

The harness never imports ``register_sandbox``; this command replaces the current process with
``python -m register_sandbox`` and passes the arguments through.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from register_conformance.errors import ConfigurationError


def main(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("register_sandbox") is None:
        raise ConfigurationError("the register_sandbox package is not installed")
    argv = [sys.executable, "-m", "register_sandbox", *args.passthrough]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover
