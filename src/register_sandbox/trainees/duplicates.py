"""Duplicate detection on create (core.md §14)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.store import Store, TraineeRow
from register_sandbox.timefmt import cycle_start_year


def _first_word(names: Any) -> str:
    cleaned = re.sub(r"[^a-z ]", "", str(names or "").lower())
    return cleaned.strip().split(" ")[0] if cleaned.strip() else ""


def _like(pattern: str, value: str) -> bool:
    """SQL case-insensitive LIKE: ``%`` and ``_`` in the submitted name are wildcards."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, flags=re.IGNORECASE | re.DOTALL) is not None


def find_duplicates(store: Store, provider_pk: int, data: dict[str, Any]) -> list[TraineeRow]:
    """Existing trainees of the provider that match the new trainee's ``data``."""
    dob, route, itt_start = data.get("date_of_birth"), data.get("training_route"), data.get("itt_start_date")
    if not dob or not itt_start or is_active("valid-duplicate-not-detected"):
        return []
    cycle = cycle_start_year(date.fromisoformat(itt_start))
    first = _first_word(data.get("first_names"))
    email = str(data.get("email") or "").strip().lower()
    last = str(data.get("last_name") or "")
    matches = []
    for row in store.duplicate_candidates(provider_pk, dob, route, cycle):
        if not _like(last, str(row.data.get("last_name") or "")):
            continue
        same_first = first != "" and _first_word(row.data.get("first_names")) == first
        same_email = email != "" and str(row.data.get("email") or "").strip().lower() == email
        if same_first or same_email:
            matches.append(row)
    return matches
