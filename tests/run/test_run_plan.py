"""How ``run`` splits the work into pytest processes."""

from __future__ import annotations

from pathlib import Path

from register_conformance.commands.run import plan_runs
from register_conformance.settings import build_settings


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_one_process_per_version_and_compatibility_once(tmp_path: Path) -> None:
    settings = build_settings({"base_url": "http://127.0.0.1:9", "seed": 7, "run_id": "abc123", "rate_limit": "off"})
    runs = plan_runs(["schema", "lifecycle", "compatibility"], ["v2025.0", "v2026.1"], settings, tmp_path,
                     tmp_path / "suites")
    assert [(r.label, r.api_version, r.versions) for r in runs] == [
        ("v2025.0", "v2025.0", ["v2025.0"]),
        ("v2026.1", "v2026.1", ["v2026.1"]),
        ("compatibility", "v2025.0", ["v2025.0", "v2026.1"]),
    ]
    assert [Path(p).name for p in runs[0].paths] == ["schema", "lifecycle"]
    commands = [r.command(None) for r in runs]
    # distinct run ids: data created by one process never collides with another's on the same target
    assert [_option(c, "--run-id") for c in commands] == ["abc123a", "abc123b", "abc123c"]
    assert {_option(c, "--seed") for c in commands} == {"7"}
    assert all(_option(c, "--rate-limit") == "off" for c in commands)
    assert not any("--token" in c for c in commands)  # tokens travel in the environment only


def test_compatibility_needs_both_versions(tmp_path: Path) -> None:
    settings = build_settings({"base_url": "http://127.0.0.1:9"})
    runs = plan_runs(["schema", "compatibility"], ["v2026.1"], settings, tmp_path, tmp_path / "suites")
    assert [r.label for r in runs] == ["v2026.1"]


def test_certify_leaves_fuzzing_out_unless_asked(tmp_path: Path) -> None:
    from register_conformance.commands.run import plan_suites

    for name in ("schema", "lifecycle", "compatibility"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "test_x.py").write_text("def test_x():\n    pass\n")
    assert plan_suites(None, tmp_path, "standard") == ["schema", "lifecycle", "compatibility"]
    assert plan_suites(None, tmp_path, "certify") == ["lifecycle", "compatibility"]
    assert plan_suites(["schema"], tmp_path, "certify") == ["schema"]


def test_school_urn_reaches_every_process(tmp_path: Path) -> None:
    settings = build_settings({"base_url": "http://127.0.0.1:9", "school_urn": "123456"})
    runs = plan_runs(["lifecycle"], ["v2025.0", "v2026.1"], settings, tmp_path, tmp_path / "suites")
    assert {_option(r.command(None), "--school-urn") for r in runs} == {"123456"}
    plain = plan_runs(["lifecycle"], ["v2026.1"], build_settings({"base_url": "http://127.0.0.1:9"}), tmp_path,
                      tmp_path / "suites")
    assert "--school-urn" not in plain[0].command(None)
