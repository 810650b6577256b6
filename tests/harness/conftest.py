"""Unit tests of the harness (no target needed). ``pytester`` is enabled in the root conftest."""
