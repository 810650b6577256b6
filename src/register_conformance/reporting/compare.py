"""Run-to-run comparison of two summaries: new problems, fixed ones, still failing, changed verdicts.

Problems are matched by their signature key (``problems.key_of``), so the same root cause seen by a
different number of tests is "still failing", not new. A summary of format 1.0 (no ``problems``) is
compared by failed requirement ids.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema

from register_conformance.errors import UsageError
from register_conformance.reporting import FORMAT_VERSION
from register_conformance.reporting.problems import problems_of
from register_conformance.reporting.summary import load_schema

_FIELDS = ("key", "id", "statement", "requirement", "count", "api_versions", "suites")


def load_summary(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """A finished run's ``summary.json``, given the file or the reports folder that holds it."""
    given = Path(path).expanduser()
    file = given / "summary.json" if given.is_dir() else given
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no summary.json at {given}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    if not isinstance(data, dict) or data.get("format") != "register-conformance-summary":
        raise UsageError(f"{file} is not a register-conformance summary.json")
    major = str(data.get("format_version", "")).split(".")[0]
    if major != FORMAT_VERSION.split(".")[0]:
        raise UsageError(f"{file} has summary format {data.get('format_version')!r}; this tool compares format "
                         f"{FORMAT_VERSION.split('.')[0]}.x")
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        raise UsageError(f"{file} is not a valid summary.json: at {where}: {' '.join(error.message.split())[:200]}")
    return file, data


@functools.cache
def _validator() -> Any:
    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def _slim(problem: Mapping[str, Any]) -> dict[str, Any]:
    return {k: problem.get(k) for k in _FIELDS if k in problem}


def compare(previous: Mapping[str, Any], current: Mapping[str, Any], previous_name: str) -> dict[str, Any]:
    """The ``comparison`` section of ``current`` against ``previous``."""
    before = {p["key"]: p for p in problems_of(previous) if not p.get("baselined")}
    after = {p["key"]: p for p in problems_of(current) if not p.get("baselined")}
    changed = []
    old = {r["id"]: r.get("results", {}) for r in previous.get("requirements", ())}
    for row in current.get("requirements", ()):
        for version, result in row.get("results", {}).items():
            was = old.get(row["id"], {}).get(version, {}).get("verdict")
            now = result.get("verdict")
            if was is not None and was != now:
                changed.append({"id": row["id"], "api_version": version, "before": was, "after": now})
    return {
        "previous": previous_name,
        "new": [_slim(p) for k, p in after.items() if k not in before],
        "fixed": [_slim(p) for k, p in before.items() if k not in after],
        "still_failing": [_slim(p) for k, p in after.items() if k in before],
        "requirements_changed": changed,
    }


def render_text(comparison: Mapping[str, Any]) -> str:
    """The comparison as console lines (``compare`` and the end of ``run --compare``)."""
    lines = [f"Compared with {comparison['previous']}:"]
    for title, key in (("New problems", "new"), ("Fixed problems", "fixed"), ("Still failing", "still_failing")):
        rows = comparison[key]
        lines.append(f"  {title}: {len(rows)}")
        lines += [f"    - {r.get('statement') or r.get('key')} [{r.get('requirement') or '-'}] "
                  f"(seen {r.get('count', 0)}×)" for r in rows]
    changed = comparison["requirements_changed"]
    lines.append(f"  Requirements whose verdict changed: {len(changed)}")
    lines += [f"    - {r['id']} {r['api_version']}: {r['before']} → {r['after']}" for r in changed]
    return "\n".join(lines)
