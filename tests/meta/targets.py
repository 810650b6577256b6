"""Where each sandbox defect should be caught: the suites and API version of its targeted meta-test run.

The run selects the tests citing the defect's requirement ids (``--requirement``), so only
``suites`` and ``version`` are chosen here: the lifecycle suite when a hand-written test checks the
rule (seconds), the schema suite only when the generated cases are the check; ``profile`` is the
profile of that run (``certify`` for the input-handling defects, which the certify profile must catch). Every catalogue
defect needs an entry (a test enforces it); the persistence-on-restart defect is checked by
``test_persistence.py`` instead (a black-box suite cannot restart its target).
"""

from __future__ import annotations

from dataclasses import dataclass

LIFECYCLE = ("lifecycle",)
SCHEMA = ("schema",)
COMPAT = ("compatibility",)


@dataclass(frozen=True)
class Target:
    suites: tuple[str, ...] = LIFECYCLE
    version: str = "v2026.1"
    profile: str = "quick"


#: Input-handling defects are caught by the input corpus, which certify runs (suites/lifecycle/test_input_corpus.py).
CERTIFY = Target(profile="certify")


#: Checked by a dedicated restart test, not by a suite run.
RESTART_ONLY = frozenset({"persist-lost-on-restart"})

TARGETS: dict[str, Target] = {
    "auth-lowercase-bearer-accepted": Target(),
    "auth-missing-token-accepted": Target(),
    "auth-invalid-token-accepted": Target(),
    "auth-401-wrong-body": Target(),
    "iso-cross-provider-read": Target(),
    "iso-cross-provider-write": Target(),
    "iso-list-leak": Target(),
    "iso-degree-other-trainee": Target(),
    "version-unknown-served": Target(),
    "version-info-latest-wrong": Target(version="v2025.0"),
    "compat-withdrawal-keys-not-mapped": Target(COMPAT, "v2025.0"),
    "create-status-200": Target(),
    "recommend-status-200": Target(),
    "degree-missing-200": Target(),
    "show-wrapped-in-data": Target(SCHEMA),
    "shape-null-keys-dropped": Target(),
    "shape-trainee-id-renamed": Target(),
    "shape-date-format": Target(),
    "shape-content-type": Target(),
    "error-404-shape": Target(),
    "error-422-count": Target(),
    "valid-code-accepted": Target(),
    "valid-length-not-enforced": Target(),
    "valid-cross-field-skipped": Target(version="v2025.0"),
    "valid-duplicate-not-detected": Target(),
    "degree-grade-09-kept": Target(),
    "withdraw-not-persisted": Target(),
    "sm-withdraw-twice": Target(version="v2025.0"),
    "writelock-missing-v2026": Target(),
    "defer-wrong-state": Target(),
    "sm-defer-state-unchanged": Target(),
    "degree-delete-leaves-record": Target(),
    "degree-update-not-persisted": Target(),
    "placement-delete-leaves-record": Target(),
    "index-empty-200": Target(),
    "index-status-filter-ignored": Target(),
    "index-pagination-repeats": Target(),
    "index-cycle-scoping-off": Target(),
    "index-since-exclusive": Target(),
    "robust-unicode-500": Target(),
    "robust-long-value-500": Target(),
    "robust-malformed-json-500": Target(),
    "persist-update-not-committed": Target(),
    "input-blank-school-urn-stored": CERTIFY,
    "input-unknown-school-500": CERTIFY,
    "input-disability-duplicate-on-update": CERTIFY,
    "input-dob-16-boundary": CERTIFY,
    "input-part-time-study-mode-refused": CERTIFY,
    "input-nested-non-uk-country-lost": CERTIFY,
    "input-provider-id-truncated-on-update": CERTIFY,
    "input-graduation-year-next-refused": CERTIFY,
    "input-urn-only-placement-no-address": CERTIFY,
}
