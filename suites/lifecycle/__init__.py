"""The lifecycle suite (installed as ``register_conformance.suites.lifecycle``)."""
