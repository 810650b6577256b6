"""Persistence across restarts: a dedicated check, because a black-box suite cannot restart its target.

A trainee is created, the sandbox is stopped and started again on the same database file, and the
trainee is read back with the new process's token (same provider). Clean: still there. With the
``persist-lost-on-restart`` defect (trainees in a connection-local TEMP table): gone. Requirement
PERSIST-RESTART records this in the catalogue (``not_tested`` explains why no suite test covers it).
"""

from __future__ import annotations

from datetime import date

import pytest

from register_conformance.client import ApiClient
from register_conformance.launcher import SandboxProcess
from register_conformance.lifecycle.data import TraineeData

VERSION = "v2026.1"


def _survives_restart(db, defect: str | None) -> bool:
    with SandboxProcess(db=db, defect=defect) as first:
        client = ApiClient(first.base_url, VERSION, first.token)
        response = client.post("/trainees", json={"data": TraineeData("restart", VERSION, date.today()).trainee()})
        client.close()
        assert response.status_code == 201, response.text[:300]
        trainee_id = response.json()["data"]["trainee_id"]
    with SandboxProcess(db=db, defect=defect) as second:
        client = ApiClient(second.base_url, VERSION, second.token)
        status = client.get(f"/trainees/{trainee_id}").status_code
        client.close()
    assert status in (200, 404)
    return status == 200


@pytest.mark.parametrize(("defect", "expected"), [(None, True), ("persist-lost-on-restart", False)])
def test_trainees_survive_a_restart(tmp_path, defect, expected):
    assert _survives_restart(tmp_path / "sandbox.sqlite3", defect) is expected
