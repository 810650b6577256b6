"""The conformance suites, installed as ``register_conformance.suites`` (for ``pytest --pyargs``)."""
