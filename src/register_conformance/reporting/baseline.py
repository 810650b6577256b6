"""Known failures: a baseline file lists requirement ids or test ids that must not fail the run.

Accepted forms (YAML or JSON)::

    - LC-WITHDRAW-01                                   # a requirement id
    - suites/lifecycle/test_withdraw.py::test_reason   # a test (all its parametrisations)
    - id: v2025.0::suites/schema/test_x.py::test_y[GET /info]   # one test of one API version
      reason: vendor ticket 123

or a mapping ``{"known_failures": [...]}``. An entry matches a test when it equals one of the
test's requirement ids, its node id, its node id without the ``[...]`` parameters, or its
``<version>::<nodeid>``; for a failed test that names the requirements it broke (``[ERR-404]``
in its failure text), only those ids match, and a test that broke several (the input corpus) is excused
only when every one of them, or the test itself, is listed. A listed entry whose tests now all pass is flagged
so the baseline can be tightened; an entry that matches no test is reported as unmatched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from register_conformance.errors import UsageError
from register_conformance.reporting.outcomes import counts_against


@dataclass
class Baseline:
    """The parsed baseline: entry id → reason (may be empty)."""

    path: str
    entries: dict[str, str] = field(default_factory=dict)

    def matches(self, entry: str, test: dict[str, Any]) -> bool:
        nodeid = test["nodeid"]
        named = test.get("failed_requirements") if counts_against(test["outcome"]) else None
        return (entry in (named or test.get("requirements", ())) or entry == nodeid
                or entry == nodeid.split("[", 1)[0] or entry == f"{test.get('api_version')}::{nodeid}")

    def match(self, test: dict[str, Any]) -> list[str]:
        """Entries covering ``test``."""
        return [entry for entry in self.entries if self.matches(entry, test)]

    @staticmethod
    def covers(entries: list[str], test: dict[str, Any]) -> bool:
        """``entries`` (each matching ``test``) excuse every requirement the failed test broke."""
        named = set(test.get("failed_requirements") or ())
        return not named or any(entry not in named for entry in entries) or named <= set(entries)

    def apply(self, tests: list[dict[str, Any]]) -> dict[str, Any]:
        """Mark baselined failures in place; return the baseline report section."""
        seen: dict[str, list[dict[str, Any]]] = {entry: [] for entry in self.entries}
        known: list[str] = []
        for test in tests:
            entries = self.match(test)
            for entry in entries:
                seen[entry].append(test)
            if entries and counts_against(test["outcome"]) and self.covers(entries, test):
                test["baselined"] = True
                known.append(test["id"])
        now_passing = [entry for entry, hits in seen.items()
                       if hits and not any(counts_against(t["outcome"]) for t in hits)
                       and any(t["outcome"] == "passed" for t in hits)]
        unmatched = [entry for entry, hits in seen.items() if not hits]
        return {"file": self.path, "entries": len(self.entries), "known_failures": known,
                "now_passing": now_passing, "unmatched": unmatched}


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; a missing or malformed file is a usage error (exit 2)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read baseline {file}: {exc.strerror or exc}") from None
    try:
        if file.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, Exception) as exc:  # yaml.YAMLError, json.JSONDecodeError
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise UsageError(f"baseline {file} is not valid YAML/JSON: {first}") from None
    if isinstance(data, dict):
        data = data.get("known_failures", data.get("baseline"))
    if data is None:
        data = []
    if not isinstance(data, list):
        raise UsageError(f"baseline {file}: expected a list of requirement or test ids")
    entries: dict[str, str] = {}
    for item in data:
        if isinstance(item, str) and item.strip():
            entries[item.strip()] = ""
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            entries[item["id"].strip()] = str(item.get("reason") or "")
        else:
            raise UsageError(f"baseline {file}: bad entry {item!r}; expected an id or {{id: ..., reason: ...}}")
    return Baseline(str(file), entries)
