"""Meta-tests of client certification, end to end: the reference client is certified, every broken variant is
refused citing the CL id its mistake breaks, and ``client check`` reaches the same verdicts on the recordings.

One real ``client serve`` process (embedded sandbox, plan ``full``: every adverse response) serves all clients
at once, one ``--provider-token`` each, so the whole table costs one run (see drive.py); it is one test so that
``pytest -n 2`` never starts that run twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from register_conformance.cli import main as cli_main
from register_conformance.clientcert.har import read_har
from register_conformance.clientcert.judging import Context, judge

from .drive import ServedRun, reference_specs, serve_and_drive, variant_specs
from .reference_client import VARIANTS

REFERENCES = [spec.name for spec in reference_specs()]
#: Mistakes visible in the recording alone (``client check`` knows nothing of the injections).
CHECKABLE = {v.name for v in VARIANTS if v.cl_id.startswith("CL-REQ-")} | {
    "resend-422", "defer-resync", "recommend-early", "retry-state-transition", "burst", "hot-trn-loop",
    "ignore-retry-after", "short-backoff"}
CLI_CHECKED = {"lowercase-bearer", "burst", "resend-422"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> ServedRun:
    reports = tmp_path_factory.mktemp("client-serve")
    return serve_and_drive(reports, reference_specs() + variant_specs())


def test_reference_certified_every_variant_refused_and_no_token_kept(served: ServedRun, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert served.returncode == 1, served.stderr[-2000:]  # the variants are not certified
    assert served.stdout.startswith("listening on http://127.0.0.1:")
    problems: list[str] = []
    for name in REFERENCES:
        summary = served.summary(name)
        if not summary["certified"]:
            problems.append(f"{name} refused: {sorted(served.failed_ids(name))} {served.outcomes.get(name)}")
        kinds = {row["injection"]["kind"] for row in summary["injections"]}
        if kinds != {"rate-limited-429", "unavailable-503", "lost-create", "late-trn"}:
            problems.append(f"{name} did not meet every adverse response: {sorted(kinds)}")
        if any(row["verdict"] != "pass" for row in summary["injections"]):
            problems.append(f"{name} mishandled an injection: {summary['injections']}")
    for variant in VARIANTS:
        summary = served.summary(variant.name)
        failed = served.failed_ids(variant.name)
        if summary["certified"] or variant.cl_id not in failed:
            problems.append(f"{variant.name} ({variant.mistake}): certified={summary['certified']}, "
                            f"failed {sorted(failed)}, expected {variant.cl_id}")
    # client check on the same recordings (HAR): the references pass, the checkable mistakes are refused. The command
    # itself runs for the references and a few variants (each run loads the schemas); the rest use its judge.
    for name in [*REFERENCES, *sorted(CHECKABLE)]:
        cl_id = next((v.cl_id for v in VARIANTS if v.name == name), None)
        if name in REFERENCES or name in CLI_CHECKED:
            code = cli_main(["client", "check", str(served.har(name)), "--reports", str(tmp_path / name)])
            failed_check = {r["id"] for r in _summary(tmp_path / name)["requirements"] if r["verdict"] == "fail"}
        else:
            judgement = judge(read_har(served.har(name)), Context(plan="check"))
            code = 0 if judgement.certified else 1
            failed_check = {r["id"] for r in judgement.requirements if r["verdict"] == "fail"}
        if code != (0 if name in REFERENCES else 1) or (cl_id and cl_id not in failed_check):
            problems.append(f"client check {name}: exit {code}, failed {sorted(failed_check)}, expected {cl_id}")
    capsys.readouterr()
    # No token given to client serve is printed or kept in any report (HAR included).
    tokens = list(served.tokens.values())
    if any(token in served.stdout + served.stderr for token in tokens):
        problems.append("client serve printed a token")
    files = [path for path in served.reports.rglob("*") if path.is_file()]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(token in text for token in tokens):
            problems.append(f"a token is kept in {path}")
    assert len(tokens) == len(REFERENCES) + len(VARIANTS) and any(p.name == "exchanges.har" for p in files)
    assert not problems, "\n".join(problems)


def _summary(folder: Path) -> dict:
    import json

    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
