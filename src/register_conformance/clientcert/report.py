"""The client certification reports: report.html, summary.json, junit.xml, allure-results, exchanges.har."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from register_conformance.clientcert.exchange import Exchange


def write_reports(judgement: Any, exchanges: Sequence[Exchange], reports_dir: Path,
                  run_info: dict[str, Any]) -> dict[str, Path]:
    """Write every report into ``reports_dir``; returns the paths by name (stub)."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    return {}
