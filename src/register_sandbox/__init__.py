"""The reference Register trainee teachers API (v2025.0 and v2026.1), a local sandbox.

Started as a process by ``register-conformance sandbox`` (``python -m register_sandbox``); the
conformance harness and suites never import it.
"""

__version__ = "0.1.0"
