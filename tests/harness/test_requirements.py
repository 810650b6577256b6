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


def test_sources_name_a_public_page_a_reader_can_open() -> None:
    from register_conformance.requirements import public_reference

    ref = public_reference("lifecycle.md §1.1, §9.1; core.md §9.7", "v2026.1")
    assert ref["url"].endswith("/api-docs/v2026.1/endpoints/post-trainees.html") and "POST /trainees" in ref["title"]
    assert ref["facts"] == "lifecycle.md §1.1, §9.1; core.md §9.7"  # the facts stay the secondary reference
    assert public_reference("core.md §7.1", "v2025.0")["url"].endswith("/v2025.0/endpoints/get-trainees.html")
    unpublished = public_reference("lifecycle.md §5.1", "v2026.1")
    assert unpublished["url"] == "" and "live Register service" in unpublished["title"]


def test_every_builtin_schemathesis_check_we_run_breaks_a_requirement() -> None:
    from register_conformance.requirements import for_check

    for check in ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                  "response_schema_conformance", "negative_data_rejection", "missing_required_header",
                  "ignored_auth", "use_after_free", "ensure_resource_availability"):
        assert for_check(check), check
