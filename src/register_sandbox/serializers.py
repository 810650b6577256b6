"""Trainee, degree and placement response objects for both API versions (core.md §11, §16).

Serialized trainees are cached as JSON bytes keyed by ``(pk, version)`` and validated by the row's
``rev`` (bumped on every trainee/child change), so list pages mostly join cached fragments.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.store import ChildRow, Provider, Store, TraineeRow

#: v2026.1 key order (OpenAPI snapshot order). ``None`` entries are filled specially.
TRAINEE_KEYS_2026: tuple[str, ...] = (
    "first_names", "last_name", "date_of_birth", "created_at", "updated_at", "email", "middle_names",
    "training_route", "sex", "diversity_disclosure", "ethnic_group", "ethnic_background",
    "additional_ethnic_background", "disability_disclosure", "itt_start_date", "outcome_date",
    "itt_end_date", "trn", "submitted_for_trn_at", "defer_date", "recommended_for_award_at",
    "trainee_start_date", "reinstate_date", "course_min_age", "course_max_age", "awarded_at",
    "training_initiative", "study_mode", "course_education_phase", "hesa_id", "record_source",
    "iqts_country", "provider_trainee_id", "defer_reason", "ukprn", "ethnicity", "course_qualification",
    "course_title", "course_level", "course_itt_start_date", "course_age_range", "employing_school_urn",
    "training_partner_ukprn", "training_partner_urn",
    # HESA-detail block (only when the trainee has one)
    "previous_last_name", "itt_aim", "course_year", "pg_apprenticeship_start_date", "funding_method",
    "ni_number", "additional_training_initiative", "itt_qualification_aim", "fund_code",
    "course_subject_1", "course_subject_2", "course_subject_3", "nationality",
    "withdrawal_date", "withdrawal_reasons", "withdrawal_trigger", "withdrawal_future_interest",
    "withdrawal_another_reason", "withdrawal_safeguarding_concern_reasons",
    "placements", "degrees", "state", "trainee_id", "application_id",
)

HESA_KEYS = frozenset({
    "previous_last_name", "itt_aim", "itt_qualification_aim", "course_year", "ni_number",
    "pg_apprenticeship_start_date", "additional_training_initiative", "fund_code",
})

#: v2026.1 name → v2025.0 name (core.md §16).
RENAMES_2025: dict[str, str] = {
    "course_subject_1": "course_subject_one",
    "course_subject_2": "course_subject_two",
    "course_subject_3": "course_subject_three",
    "training_partner_urn": "lead_partner_urn",
    "training_partner_ukprn": "lead_partner_ukprn",
    "withdrawal_date": "withdraw_date",
    "withdrawal_reasons": "withdraw_reasons",
}

WITHDRAWAL_KEYS = {
    "withdrawal_date": "date",
    "withdrawal_reasons": "reasons",
    "withdrawal_trigger": "trigger",
    "withdrawal_future_interest": "future_interest",
    "withdrawal_another_reason": "another_reason",
    "withdrawal_safeguarding_concern_reasons": "safeguarding_concern_reasons",
}


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not k.startswith("_")}


def degree_object(row: ChildRow) -> dict[str, Any]:
    """``{"degree_id": ..., **public data, "created_at", "updated_at"}``."""
    return {"degree_id": row.slug, **_public(row.data), "created_at": row.created_at, "updated_at": row.updated_at}


def placement_object(row: ChildRow) -> dict[str, Any]:
    """``{"placement_id": ..., **public data, "created_at", "updated_at"}``."""
    return {"placement_id": row.slug, **_public(row.data), "created_at": row.created_at,
            "updated_at": row.updated_at}


def build_trainee(row: TraineeRow, ukprn: str, version: str, degrees: list[ChildRow],
                  placements: list[ChildRow], withdrawal: ChildRow | None) -> dict[str, Any]:
    """The trainee object as a dict, in the version's key names."""
    data = row.data
    has_hesa = bool(data.get("_hesa"))
    specials: dict[str, Any] = {
        "trainee_id": row.slug,
        "trn": row.trn,
        "state": row.state,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "ukprn": ukprn,
        "degrees": [degree_object(d) for d in degrees],
        "placements": [placement_object(p) for p in placements],
    }
    wdata = withdrawal.data if withdrawal else {}
    out: dict[str, Any] = {}
    v2025 = version == "v2025.0"
    for key in TRAINEE_KEYS_2026:
        if key in HESA_KEYS and not has_hesa:
            continue
        if key == "iqts_country" and v2025:
            continue
        if key in specials:
            value = specials[key]
        elif key in WITHDRAWAL_KEYS:
            value = wdata.get(WITHDRAWAL_KEYS[key]) if withdrawal else None
        else:
            value = data.get(key)
        mapped = v2025 and not (key in WITHDRAWAL_KEYS and is_active("compat-withdrawal-keys-not-mapped"))
        if value is None and is_active("shape-null-keys-dropped"):
            continue
        if key == "trainee_id" and is_active("shape-trainee-id-renamed"):
            key = "id"
        if key == "date_of_birth" and value and is_active("shape-date-format"):
            value = "/".join(reversed(str(value).split("-")))
        out[RENAMES_2025.get(key, key) if mapped else key] = value
    disclosure = data.get("disability_disclosure")
    if disclosure is not None:
        raw = data.get("_disabilities_raw") or {}
        if not raw:  # no stored codes: derive them (core.md §11.3)
            raw = {"1": "95" if disclosure == "no_disability" else "98"}
        for index in sorted(raw, key=int):
            out[f"disability{index}"] = raw[index]
    return out


class TraineeSerializer:
    """Serializes trainees to JSON bytes with a bounded rev-keyed cache."""

    def __init__(self, store: Store, max_entries: int = 20_000) -> None:
        self.store = store
        self.max_entries = max_entries
        self._cache: OrderedDict[tuple[int, str], tuple[int, bytes]] = OrderedDict()

    def as_dict(self, row: TraineeRow, provider: Provider, version: str) -> dict[str, Any]:
        """The trainee object as a dict (reads children)."""
        return build_trainee(row, provider.ukprn, version, self.store.list_degrees(row.pk),
                             self.store.list_placements(row.pk), self.store.current_withdrawal(row.pk))

    def many_as_bytes(self, keys: list[tuple[int, int]], provider: Provider, version: str) -> list[bytes]:
        """Serialize a page given ``(pk, rev)`` keys; misses are loaded and their children fetched in
        three queries."""
        out: list[bytes | None] = []
        missing: list[int] = []
        for pk, rev in keys:
            hit = self._cache.get((pk, version))
            if hit is not None and hit[0] == rev:
                out.append(hit[1])
            else:
                out.append(None)
                missing.append(pk)
        if missing:
            rows = self.store.get_trainees(missing)
            children = self.store.children_for(missing)
            fresh: dict[int, bytes] = {}
            for pk in missing:
                row = rows[pk]
                withdrawals = children["withdrawals"].get(pk, [])
                encoded = encode(build_trainee(
                    row, provider.ukprn, version, children["degrees"].get(pk, []),
                    children["placements"].get(pk, []), withdrawals[-1] if withdrawals else None))
                self._remember((pk, version), row.rev, encoded)
                fresh[pk] = encoded
            out = [item if item is not None else fresh[pk] for item, (pk, _) in zip(out, keys, strict=True)]
        return [item for item in out if item is not None]

    def _remember(self, key: tuple[int, str], rev: int, encoded: bytes) -> None:
        self._cache[key] = (rev, encoded)
        self._cache.move_to_end(key)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)


def encode(obj: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def trainee_object(store: Store, row: TraineeRow, version: str, provider: Provider) -> dict[str, Any]:
    """Convenience for other route modules: the trainee dict per version."""
    return build_trainee(row, provider.ukprn, version, store.list_degrees(row.pk),
                         store.list_placements(row.pk), store.current_withdrawal(row.pk))
