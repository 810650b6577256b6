"""The requirement catalogue is consistent and every id a test cites exists."""

from __future__ import annotations

import re
from pathlib import Path

from register_conformance.requirements import CATALOGUE_DIR, LEVELS, catalogue

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def test_ids_titles_sources_levels() -> None:
    reqs = catalogue()
    assert len(reqs) > 20
    for req in reqs.values():
        assert ID.match(req.id), req.id
        assert req.title.strip() and req.source.strip(), req.id
        assert req.level in LEVELS
        assert req.versions


def test_every_cited_id_exists() -> None:
    known = catalogue()
    cited: set[str] = set()
    pattern = re.compile(r"""["']([A-Z]{2,}(?:-[A-Z0-9]+)+)["']""")
    for path in [*ROOT.joinpath("suites").rglob("*.py"), *ROOT.joinpath("src", "register_conformance").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "requirement" in line or "fail(" in line:
                cited.update(pattern.findall(line))
    cited = {c for c in cited if not c.startswith(("ST", "HTTP"))}
    missing = sorted(c for c in cited if c not in known)
    assert not missing, f"cited but not in the catalogue: {missing}"


def test_schema_suite_ids_are_in_schema_or_core() -> None:
    files = {p.stem for p in CATALOGUE_DIR.glob("*.yaml")}
    assert {"core", "schema"} <= files
    areas = {r.id: r.area for r in catalogue().values()}
    for rid in ("SCH-RESPONSES", "SCH-NEGATIVE", "SCH-STATEFUL", "SCH-DELETE-GONE"):
        assert areas[rid] == "schema"
    for rid in ("AUTH-401", "AUTH-ISOLATION", "ERR-404", "ERR-STE", "SHOW-KEYS"):
        assert areas[rid] == "core"
