"""Render a ``CompatReport`` as terminal text, JSON, an HTML fragment or a full HTML page."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Iterable

from register_conformance.compat.model import SEVERITIES, Change, CompatReport, KnownDifference

GROUPINGS = ("operation", "change")


def _summary(report: CompatReport) -> str:
    counts = report.counts()
    parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
    return f"{parts}; worst: {report.worst() or 'none'}"


def _known_status(item: KnownDifference) -> str:
    if item.kind == "behaviour":
        return "behavioural (from the facts)"
    return "in schema diff" if item.found_in_schema else "NOT FOUND in schema diff"


def _by_severity(items: Iterable, key=lambda x: x.severity) -> dict[str, list]:
    out: dict[str, list] = {s: [] for s in SEVERITIES}
    for item in items:
        out[key(item)].append(item)
    return out


def _change_groups(changes: list[Change], group_by: str) -> list[tuple[str, list[Change]]]:
    groups: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_operation = group_by == "operation"
        label = (change.operation or "(document)") if by_operation else f"{change.message}  [{change.rule}]"
        groups[label].append(change)
    return sorted(groups.items())


def render_text(report: CompatReport, *, group_by: str = "operation") -> str:
    """Terminal text: summary, known differences, then schema changes by class and operation."""
    lines = [
        f"Register API compatibility {report.from_version} → {report.to_version} "
        f"(classified for a client integrated against {report.from_version})",
        f"Schemas: official files {'with our overlays' if report.overlays_applied else 'as published (no overlays)'}"
        f"; compared in {report.elapsed_seconds:.2f} s",
        f"Summary: {_summary(report)}",
    ]
    lines += [f"Note: {note}" for note in report.notes]
    if report.known:
        lines += ["", f"KNOWN DIFFERENCES (from the facts) — {len(report.known)}"]
        for severity, items in _by_severity(report.known).items():
            if not items:
                continue
            lines.append(f"  {severity.upper()} ({len(items)})")
            for item in items:
                lines.append(f"    {item.id}  {item.title}")
                lines.append(f"        rule {item.rule}; {_known_status(item)}; {item.source}")
                if item.before or item.after:
                    lines.append(f"        {report.from_version}: {item.before}")
                    lines.append(f"        {report.to_version}: {item.after}")
                if item.advice:
                    lines.append(f"        what to do: {item.advice}")
    lines += ["", f"SCHEMA CHANGES — {len(report.changes)}"]
    if not report.changes:
        lines.append("  none")
    for severity, changes in _by_severity(report.changes).items():
        if not changes:
            continue
        lines.append(f"  {severity.upper()} ({len(changes)})")
        for label, group in _change_groups(changes, group_by):
            lines.append(f"    {label}")
            for change in group:
                extra = f"  ({', '.join(change.known)})" if change.known else ""
                if group_by == "operation":
                    lines.append(f"      {change.location or '-':<14} {change.message}  [{change.rule}]{extra}")
                else:
                    lines.append(f"      {change.operation}  [{change.location or '-'}]{extra}")
                if change.reason:
                    lines.append(f"        ↳ {change.reason}")
    return "\n".join(lines) + "\n"


def render_json(report: CompatReport) -> str:
    """The report as JSON for tools (stable keys; see ``CompatReport.as_dict``)."""
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


_CSS = """
.compat-report{font-family:system-ui,sans-serif;font-size:14px}
.compat-report table{border-collapse:collapse;width:100%;margin:.5em 0}
.compat-report th,.compat-report td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
.compat-report .breaking{background:#fde2e1}.compat-report .warning{background:#fff4d6}
.compat-report .info{background:#eef5ff}.compat-report code{font-size:12px}
.compat-report .sev{font-weight:bold;text-transform:uppercase}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def render_html_fragment(report: CompatReport) -> str:
    """A self-contained ``<section>`` (with scoped styles) for embedding in the run report."""
    counts = report.counts()
    out = [
        f'<section class="compat-report"><style>{_CSS}</style>',
        f"<h2>Compatibility {_e(report.from_version)} → {_e(report.to_version)}</h2>",
        f"<p>Classified for a client integrated against <code>{_e(report.from_version)}</code>. Schemas: "
        f"{'official files with our overlays' if report.overlays_applied else 'official files as published'}."
        "</p>",
        "<table><tr>" + "".join(f'<th class="{s}">{s}</th>' for s in SEVERITIES) + "</tr><tr>"
        + "".join(f'<td class="{s}">{counts[s]}</td>' for s in SEVERITIES) + "</tr></table>",
    ]
    out += [f"<p><em>{_e(n)}</em></p>" for n in report.notes]
    if report.known:
        out.append(f"<h3>Known differences ({len(report.known)})</h3><table><tr><th>Class</th><th>Id</th>"
                   f"<th>Difference</th><th>{_e(report.from_version)}</th><th>{_e(report.to_version)}</th>"
                   "<th>What to do</th><th>Seen</th></tr>")
        for severity, items in _by_severity(report.known).items():
            for item in items:
                out.append(
                    f'<tr class="{severity}"><td class="sev">{severity}</td><td><code>{_e(item.id)}</code></td>'
                    f"<td>{_e(item.title)}<br><small>{_e(item.rule)} · {_e(item.source)}</small></td>"
                    f"<td>{_e(item.before)}</td><td>{_e(item.after)}</td><td>{_e(item.advice)}</td>"
                    f"<td>{_e(_known_status(item))}</td></tr>")
        out.append("</table>")
    out.append(f"<h3>Schema changes ({len(report.changes)})</h3>")
    for severity, changes in _by_severity(report.changes).items():
        if not changes:
            continue
        out.append(f'<details{" open" if severity == "breaking" else ""}><summary class="sev {severity}">'
                   f"{severity} ({len(changes)})</summary><table><tr><th>Operation</th><th>Where</th>"
                   "<th>Change</th><th>Rule</th><th>Known</th></tr>")
        for change in sorted(changes, key=lambda c: (c.operation, c.location, c.field)):
            reason = f"<br><small>{_e(change.reason)}</small>" if change.reason else ""
            out.append(f'<tr class="{severity}"><td><code>{_e(change.operation)}</code></td>'
                       f"<td>{_e(change.location)}</td><td>{_e(change.message)}{reason}</td>"
                       f"<td><code>{_e(change.rule)}</code></td><td>{_e(', '.join(change.known))}</td></tr>")
        out.append("</table></details>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def render_html_page(report: CompatReport) -> str:
    """A full HTML page around ``render_html_fragment``."""
    title = f"Register API compatibility {report.from_version} → {report.to_version}"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title></head>\n'
            f"<body>\n{render_html_fragment(report)}</body></html>\n")
