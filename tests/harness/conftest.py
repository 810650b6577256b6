"""Unit tests of the harness (no target needed)."""

pytest_plugins = ("pytester",)
