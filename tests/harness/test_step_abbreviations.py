"""Every abbreviation a lifecycle step title uses is defined on the suite side (facts.ABBREVIATIONS)."""

from __future__ import annotations

import re
from pathlib import Path

from register_conformance.lifecycle.facts import ABBREVIATIONS

SUITES = Path(__file__).resolve().parents[2] / "suites"
#: ``step("ID", "title")`` calls and the refusal abbreviations in their titles (STE, S-D, S-R, …).
STEP = re.compile(r'step\(\s*"[A-Z0-9-]+",\s*f?"([^"]*)"')
ABBREVIATION = re.compile(r"\b(?:STE|[A-Z]-[A-Z])\b")


def test_step_title_abbreviations_are_defined() -> None:
    used = {abbreviation for path in SUITES.rglob("*.py")
            for title in STEP.findall(path.read_text(encoding="utf-8"))
            for abbreviation in ABBREVIATION.findall(title)}
    assert used, "no step title uses an abbreviation: the pattern no longer matches the suites"
    assert used <= ABBREVIATIONS.keys(), f"undefined in lifecycle/facts.py ABBREVIATIONS: {used - ABBREVIATIONS.keys()}"
