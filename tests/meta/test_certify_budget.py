"""Certify's request budget (issue 16, README "--profile certify"): at most 600 requests per API version for
lifecycle + compatibility, input corpus included; we keep a margin and hold the clean sandbox to 585.

Requests count against the version they call: the report's coverage counts per version (documented
operations plus undocumented ones). One full ``run --profile certify`` on the embedded sandbox (~45 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MARGIN_BUDGET = 585  # the budget is 600; a slow TRN adds a few reads per version


def requests_per_version(summary: dict) -> dict[str, int]:
    return {version: sum(sum(op["observed"].values()) for op in cov["operations"])
            + sum(u["count"] for u in cov["undocumented"])
            for version, cov in summary["coverage"].items()}


def test_certify_stays_within_its_budget_per_version(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    out = subprocess.run([sys.executable, "-m", "register_conformance", "run", "--profile", "certify",
                          "--rate-limit", "off", "--reports", str(reports)],
                         capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    counts = requests_per_version(json.loads((reports / "summary.json").read_text(encoding="utf-8")))
    assert set(counts) == {"v2025.0", "v2026.1"}, counts
    over = {version: n for version, n in counts.items() if n > MARGIN_BUDGET}
    assert not over, f"certify sends more than {MARGIN_BUDGET} requests per version: {counts}"
