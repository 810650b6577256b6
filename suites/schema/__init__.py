"""The schema suite (installed as ``register_conformance.suites.schema``)."""
