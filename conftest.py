"""Root conftest: loads the Register API conformance plugin (options, fixtures, safety, requirements)."""

pytest_plugins = (
    "register_conformance.plugin",
    "register_conformance.selection",  # --requirement ID[,ID]
    "register_conformance.reporting.collector",  # --reports DIR (inert without it)
    "pytester",  # fixtures for the plugin's own tests (tests/harness); inert otherwise
)
