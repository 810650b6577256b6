"""Last line of defence: no token string may remain anywhere under the reports directory."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from register_conformance.redaction import REDACTED


def scrub_tree(root: Path, secrets: Iterable[str | None]) -> list[Path]:
    """Replace every secret in every file under ``root``; return the files that needed it."""
    needles = sorted({s.encode() for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
    if not needles:
        return []
    changed = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not any(n in data for n in needles):
            continue
        for needle in needles:
            data = data.replace(needle, REDACTED.encode())
        path.write_bytes(data)
        changed.append(path)
    return changed
