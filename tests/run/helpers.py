"""Run the CLI in-process and read what it wrote."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from register_conformance.cli import main

from .stub import TOKEN


def run_cli(suites: Path, target: str, reports: Path, *extra: str, token: str = TOKEN) -> int:
    """``register-conformance run`` against ``target`` over ``suites`` (v2025.0 only unless overridden)."""
    args = ["run", "--base-url", target, "--suites-dir", str(suites), "--reports", str(reports)]
    if "--api-version" not in extra:
        args += ["--api-version", "v2025.0"]
    if token:
        args += ["--token", token]
    return main([*args, *extra])


def summary(reports: Path) -> dict[str, Any]:
    return json.loads((reports / "summary.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """Collects table ids, the text of each table and the text of ``pre.curl`` blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, str] = {}
        self.curls: list[str] = []
        self._table: str | None = None
        self._in_curl = False
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = ""
        if tag == "pre" and "curl" in (a.get("class") or ""):
            self._in_curl = True
            self.curls.append("")
        # What the browser would load: any src, and <link href> (a plain <a href> is not loaded).
        if a.get("src"):
            self.external.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.external.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        if tag == "pre":
            self._in_curl = False

    def handle_data(self, data: str) -> None:
        if self._table:
            self.tables[self._table] += data
        if self._in_curl:
            self.curls[-1] += data


def parse_report(reports: Path) -> Page:
    page = Page()
    page.feed((reports / "report.html").read_text(encoding="utf-8"))
    return page


def files_containing(root: Path, needle: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]
