"""Valid request bodies for the lifecycle scenarios, unique per call (core.md §9.2, §13, §14; lifecycle.md §3–§7).

Every trainee gets a unique ``last_name`` and ``email`` (run id + random part), so duplicate
detection (core.md §14) never matches across tests, runs or xdist workers. Funding is always
``fund_code`` 2 + ``funding_method`` 6 (no funding rule applies, core.md §13.2).
"""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import date, timedelta
from typing import Any

from register_conformance.cycle import CycleDates, utc_today
from register_conformance.lifecycle.facts import ROUTES, withdraw_date_key

_COUNTER = itertools.count(1)


def unique_suffix(run_id: str) -> str:
    """``<run id>-<counter><random>``: unique across tests, runs and workers."""
    return f"{run_id}-{next(_COUNTER)}{uuid.uuid4().hex[:8]}"


class TraineeData:
    """Builds the ``data`` objects a lifecycle test sends, in the wire names of one API version."""

    def __init__(self, run_id: str, version: str, today: date | None = None) -> None:
        self.run_id = run_id
        self.version = version
        self.dates = CycleDates(today or utc_today())

    # -- trainees ------------------------------------------------------------------------------
    def trainee(self, route: str = "12", *, started: bool = True, degrees: list[dict] | None = None,
                placements: list[dict] | None = None, **overrides: Any) -> dict[str, Any]:
        """A valid create body for ``route`` (degrees added when the route needs one)."""
        info = ROUTES[route]
        suffix = unique_suffix(self.run_id)
        start = self.dates.started if started else self.dates.future_start
        born = date(1985, 1, 1) + timedelta(days=random.randrange(0, 5000))
        subject, age_range = ("100510", "13920") if info.early_years else ("100346", "13918")
        body: dict[str, Any] = {
            "first_names": "Lifecycle",
            "last_name": f"Conformance-{suffix}",
            "date_of_birth": born.isoformat(),
            "sex": random.choice(("10", "11")),
            "email": f"lifecycle.{suffix}@example.com",
            "nationality": "GB",
            "training_route": route,
            "itt_start_date": start.isoformat(),
            "itt_end_date": self.dates.end_for(start).isoformat(),
            self.subject_key(1): subject,
            "course_age_range": age_range,
            "study_mode": "63",
            "itt_aim": "202",
            "itt_qualification_aim": "020" if info.degree_required else "008",
            "course_year": "1",
            "fund_code": "2",
            "funding_method": "6",
            "hesa_id": str(uuid.uuid4().int)[:13],
        }
        if route == "15":
            body["iqts_country"] = "JP"
        if degrees is None and info.degree_required:
            degrees = [self.degree()]
        if degrees:
            body["degrees_attributes"] = degrees
        if placements:
            body["placements_attributes"] = placements
        body.update(overrides)
        return body

    def subject_key(self, n: int) -> str:
        """``course_subject_1`` (v2026.1) or ``course_subject_one`` (v2025.0), core.md §16."""
        if self.version == "v2025.0":
            return "course_subject_" + ("one", "two", "three")[n - 1]
        return f"course_subject_{n}"

    # -- degrees and placements ---------------------------------------------------------------------
    DEGREES: tuple[dict[str, Any], ...] = (
        {"subject": "100425", "institution": "0149", "uk_degree": "083", "grade": "02", "graduation_year": 2020},
        {"subject": "100367", "institution": "0149", "uk_degree": "051", "grade": "01", "graduation_year": 2017},
        {"subject": "100346", "institution": "0149", "uk_degree": "051", "grade": "03", "graduation_year": 2014},
    )

    def degree(self, variant: int = 0, **overrides: Any) -> dict[str, Any]:
        """A valid UK degree; different ``variant`` values are never duplicates of each other."""
        return {**self.DEGREES[variant], **overrides}

    def placement(self, n: int = 1, **overrides: Any) -> dict[str, Any]:
        """A placement not linked to a school: name and a valid postcode (lifecycle.md §4.1)."""
        postcodes = ("BN1 1AA", "SW1A 1AA", "GU1 1AA", "M1 1AE")
        return {"name": f"Lifecycle placement school {n}", "postcode": postcodes[n % len(postcodes)], **overrides}

    # -- transitions ----------------------------------------------------------------------------
    def withdrawal(self, *, on: date | None = None, reasons: list[str] | None = None, trigger: str = "provider",
                   future_interest: str = "no", **extra: Any) -> dict[str, Any]:
        """A withdraw body with this version's date key (lifecycle.md §5.1)."""
        return {
            withdraw_date_key(self.version): (on or self.dates.today).isoformat(),
            "reasons": reasons or ["record_added_in_error"],
            "trigger": trigger,
            "future_interest": future_interest,
            **extra,
        }

    def deferral(self, *, on: date | None = None, reason: str | None = "Lifecycle suite deferral") -> dict[str, Any]:
        body: dict[str, Any] = {"defer_date": (on or self.dates.today).isoformat()}
        if reason is not None:
            body["defer_reason"] = reason
        return body

    def recommendation(self, on: date | None = None) -> dict[str, Any]:
        """``qts_standards_met_date``: the ITT start date by default (never future, never before start)."""
        return {"qts_standards_met_date": (on or self.dates.started).isoformat()}
