"""Conformance suite harness and CLI for the DfE Register trainee teachers API."""

__version__ = "0.1.0"

API_VERSIONS: tuple[str, ...] = ("v2025.0", "v2026.1")
