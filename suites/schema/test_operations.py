"""Every operation of the selected version: Schemathesis examples, coverage and fuzzing phases.

Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, negative_data_rejection (where the facts say the API rejects),
ignored_auth, missing_required_header, plus ours (error bodies, trainee keys, provider isolation).
"""

from __future__ import annotations

import pytest

from register_conformance.plugin import current_config, session_schema

# Loaded at collection (not from a fixture) so each operation is its own pytest item: JUnit names,
# FAILED lines and allure results keep the operation (tooling.md).
schema = session_schema(current_config())


@pytest.mark.requirement("SCH-NO-SERVER-ERROR", "SCH-STATUS", "SCH-CONTENT-TYPE", "SCH-RESPONSES", "SCH-NEGATIVE",
                         "SCH-AUTH", "SCH-POSITIVE-SHARE", "AUTH-401", "ERR-SHAPES", "ERR-400", "ERR-404", "ERR-409",
                         "ERR-STE", "ERR-422-COUNT", "SHOW-KEYS", "SHOW-UNWRAPPED", "AUTH-ISOLATION", "VER-PIN",
                         "UPD-PATCH", "SCH-DELETE-GONE")
@schema.parametrize()
def test_operation(case, schema_run):
    """The operation answers as the overlaid schema and the facts say, for valid and invalid input."""
    schema_run.call_and_validate(case)
