"""Merge the JUnit XML files of several pytest runs into one ``junit.xml``.

Each run's ``<testsuite>`` is kept and named after the run (``v2025.0``, ``compatibility``); test
case class names are prefixed with it so the same test run for two API versions stays distinct.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

_COUNTS = ("tests", "failures", "errors", "skipped")


def merge_junit(parts: Sequence[tuple[str, Path]], target: Path) -> None:
    """Write ``target`` from ``(label, junit file)`` pairs; unreadable parts are left out."""
    root = ET.Element("testsuites", name="register-conformance")
    totals = dict.fromkeys(_COUNTS, 0)
    elapsed = 0.0
    for label, path in parts:
        try:
            tree = ET.parse(path)
        except (OSError, ET.ParseError):
            continue
        top = tree.getroot()
        suites = [top] if top.tag == "testsuite" else list(top.iter("testsuite"))
        for suite in suites:
            suite.set("name", label)
            for case in suite.iter("testcase"):
                case.set("classname", f"{label}.{case.get('classname', '')}".rstrip("."))
            for key in _COUNTS:
                totals[key] += int(suite.get(key, "0") or 0)
            elapsed += float(suite.get("time", "0") or 0)
            root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{elapsed:.3f}")
    ET.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)
