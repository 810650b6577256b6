"""GET /trainees agrees across versions (core.md §7, §16: index unchanged)."""

from __future__ import annotations

import time

import pytest

from register_conformance.expect import expect_json, expect_status, fail

from .cross_reads import assert_same_trainee
from .data import V2025, V2026


@pytest.mark.requirement("COMPAT-LIST-ACROSS")
def test_lists_agree_across_versions(create, v2025, v2026) -> None:
    first = create(V2025, "list25")
    second = create(V2026, "list26")
    params = {"since": first["created_at"], "per_page": 100}
    for _attempt in range(4):
        old = expect_json(expect_status(v2025.get("/trainees", params=params), 200))
        new = expect_json(expect_status(v2026.get("/trainees", params=params), 200))
        stamps_old = [(t["trainee_id"], t["updated_at"], t["state"]) for t in old["data"]]
        stamps_new = [(t["trainee_id"], t["updated_at"], t["state"]) for t in new["data"]]
        if stamps_old == stamps_new:
            break
        time.sleep(0.5)  # an asynchronous edge (TRN) changed a trainee between the two reads
    else:
        fail(f"GET /trainees lists differ across versions\nv2025.0: {stamps_old}\nv2026.1: {stamps_new}")
    ids = [t["trainee_id"] for t in new["data"]]
    assert {first["trainee_id"], second["trainee_id"]} <= set(ids)
    assert old["meta"] == new["meta"]
    for item_old, item_new in zip(old["data"], new["data"], strict=True):
        assert_same_trainee(item_old, item_new, f"list item {item_new['trainee_id']}")
