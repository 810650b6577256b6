"""Trainee response shapes through the lifecycle client (every response is validated against the schema).

Here so that shape defects (a dropped or renamed key, a wrong date format, a wrong content
type, a wrapped show) are caught in seconds, without the generated schema run.
"""

from __future__ import annotations

import re

import pytest

from register_conformance.expect import expect_json, expect_status, fail

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALWAYS = ("trainee_id", "first_names", "last_name", "date_of_birth", "trn", "state", "created_at", "updated_at",
          "itt_start_date", "itt_end_date", "degrees", "placements")


@pytest.mark.requirement("LC-SCHEMA", "SHOW-KEYS", "SHOW-UNWRAPPED")
def test_trainee_objects_have_the_documented_shape(lc):
    """Create, show and list one trainee: JSON content type, documented keys (nulls present), YYYY-MM-DD dates."""
    created = lc.new_trainee("12")
    shown = lc.trainee(created["trainee_id"])
    listed = expect_json(expect_status(lc.index(since=created["updated_at"], per_page=100), 200))["data"]
    listed = [t for t in listed if t.get("trainee_id") == created["trainee_id"]]
    if not listed:
        fail("GET /trainees (since the trainee's updated_at) does not list it")
    for label, obj in (("create", created), ("show", shown), ("index", listed[0])):
        missing = [k for k in ALWAYS if k not in obj]
        if missing:
            fail(f"{label}: trainee object lacks {missing} (null values must be present as null)\n"
                 f"Received keys: {sorted(obj)}")
        if not DATE.match(str(obj["date_of_birth"])) or not DATE.match(str(obj["itt_start_date"])):
            fail(f"{label}: dates are not YYYY-MM-DD\nReceived: date_of_birth={obj['date_of_birth']!r}, "
                 f"itt_start_date={obj['itt_start_date']!r}")
    for label, response in (("show", lc.show(created["trainee_id"])), ("index", lc.index(per_page=1))):
        ctype = response.headers.get("content-type", "")
        if not ctype.startswith("application/json"):
            fail(f"{label}: Content-Type {ctype!r}, expected application/json", response)
