"""``--requirement ID[,ID]`` keeps only the tests citing those ids (register_conformance.selection)."""

from __future__ import annotations

import subprocess
import sys

from .harness import ROOT


def _collect(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "suites", "--co", "-q", "-p", "no:xdist", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_selects_only_tests_citing_the_ids():
    result = _collect("--requirement", "VER-INFO,IDX-CYCLE-SCOPE")
    assert result.returncode == 0, result.stdout[-800:]
    listed = [line for line in result.stdout.splitlines() if "::" in line]
    assert sorted(line.rsplit("::", 1)[1] for line in listed) == ["test_index_is_scoped_to_the_start_cycle",
                                                                   "test_info_body"]


def test_unknown_id_is_a_usage_error():
    result = _collect("--requirement", "NO-SUCH-ID")
    assert result.returncode == 4
    assert "unknown requirement id(s) NO-SUCH-ID" in result.stderr + result.stdout
