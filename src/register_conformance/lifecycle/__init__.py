"""Helpers of the lifecycle suite (``suites/lifecycle``): facts, data builders, scenario steps, cleanup.

Black-box only: everything here talks HTTP through ``register_conformance.client.ApiClient`` and
knows the API from the facts (lifecycle.md, core.md), never from the sandbox's code.
"""
