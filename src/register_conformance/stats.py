"""Share of generated requests answered 2xx, per operation: a suite whose passes are mostly
401/404/422 is hollow, so this is measured, printed at the end of the session and stored.

Two shares per operation: of all generated requests (invalid ones included, which should be
4xx), and of the *positive* ones (valid input: these should be accepted).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


class OperationStats:
    """Status counts of the generated (primary) requests, per operation label and generation mode."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self._positive: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [requests, 2xx]
        self._lock = threading.Lock()

    def record(self, operation: str, status: int, positive: bool | None = None) -> None:
        with self._lock:
            self._counts[operation][status] += 1
            if positive:
                self._positive[operation][0] += 1
                self._positive[operation][1] += int(200 <= status < 300)

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per operation: requests, 2xx, share_2xx, positive_requests, positive_2xx, positive_share_2xx, statuses."""
        out: dict[str, dict[str, Any]] = {}
        with self._lock:
            for op in sorted(self._counts):
                counts = self._counts[op]
                total = sum(counts.values())
                ok = sum(n for code, n in counts.items() if 200 <= code < 300)
                pos, pos_ok = self._positive.get(op, [0, 0])
                out[op] = {"requests": total, "2xx": ok, "share_2xx": _share(ok, total),
                           "positive_requests": pos, "positive_2xx": pos_ok, "positive_share_2xx": _share(pos_ok, pos),
                           "statuses": {str(c): n for c, n in sorted(counts.items())}}
        return out

    def totals(self) -> dict[str, Any]:
        rows = self.summary().values()
        total, ok = sum(r["requests"] for r in rows), sum(r["2xx"] for r in rows)
        pos, pos_ok = sum(r["positive_requests"] for r in rows), sum(r["positive_2xx"] for r in rows)
        return {"requests": total, "2xx": ok, "share_2xx": _share(ok, total), "positive_requests": pos,
                "positive_2xx": pos_ok, "positive_share_2xx": _share(pos_ok, pos)}

    def total_share(self) -> float:
        return self.totals()["share_2xx"]

    def lines(self) -> list[str]:
        """Terminal table, one operation per line."""
        rows = self.summary()
        if not rows:
            return []
        width = max(len(op) for op in rows)
        out = [f"{'operation':<{width}}  requests   2xx  share  positive  2xx  share  statuses"]

        def line(label: str, r: dict[str, Any], statuses: str) -> str:
            return (f"{label:<{width}}  {r['requests']:>8}  {r['2xx']:>4}  {r['share_2xx']:>5.0%}  "
                    f"{r['positive_requests']:>8}  {r['positive_2xx']:>4}  {r['positive_share_2xx']:>5.0%}  {statuses}")

        for op, row in rows.items():
            out.append(line(op, row, " ".join(f"{c}:{n}" for c, n in row["statuses"].items())))
        out.append(line("all operations", self.totals(), ""))
        return out

    def write_json(self, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
        target = Path(path)
        if target.suffix.lower() != ".json":
            target.mkdir(parents=True, exist_ok=True)
            target = target / "schema-stats.json"
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        payload = {"operations": self.summary(), "totals": self.totals(), **(extra or {})}
        target.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return target
