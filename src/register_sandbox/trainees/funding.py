"""Funding and training-initiative rules (core.md §13)."""

from __future__ import annotations

from datetime import date

from register_sandbox import reference_data as ref
from register_sandbox.timefmt import cycle_label


def funding_errors(cycle: int, route: str | None, subject_1: str | None, age_range: str | None,
                   fund_code: str | None, funding_method: str | None, version: str) -> list[tuple[str, str]]:
    """``[(attribute, message)]`` for fund_code / funding_method cross-field rules."""
    errors: list[tuple[str, str]] = []
    rules = ref.funding_rules(cycle)
    route_name = ref.route_name(route) if route else None
    subject_label = "course_subject_one" if version == "v2025.0" else "course_subject_1"
    if fund_code == "7":
        route_funded = route_name is not None and any(r["route"] == route_name for r in rules)
        if not route_funded or ref.entry("course_age_range", age_range) is None:
            errors.append(("fund_code", "is not valid for this trainee"))
    kind = ref.funding_type(funding_method) if funding_method else None
    if kind in (None, "none") or route_name is None:
        return errors
    allocation = ref.course_subject_allocation(subject_1)
    subject_name = ref.course_subject_name(subject_1) or ""
    if fund_code != "7":
        exception_cycles = (2025,) if version == "v2025.0" else (2025, 2026)
        exempt = cycle in exception_cycles and allocation in ref.fund_code_exception_subjects(cycle)
        if not exempt:
            errors.append(("funding_method", f"'{kind}' is not allowed when fund_code is '{fund_code}' and "
                                             f"{subject_label} is '{subject_name}'"))
            return errors
    matched = any(r["funding_type"] == kind and r["route"] == route_name and allocation in r["allocation_subjects"]
                  for r in rules)
    if not matched:
        errors.append(("funding_method", f"'{kind}' is not allowed when training_route is '{route_name}' and "
                                         f"{subject_label} is '{subject_name}' in academic cycle "
                                         f"'{cycle_label(cycle)}'"))
    return errors


def initiative_error(code: str, cycle: int) -> str | None:
    """The availability message for an initiative code, or ``None`` when available."""
    entry = ref.entry("training_initiative", code)
    if entry is None:
        return None
    if entry["name"] in ref.initiatives_available(cycle):
        return None
    return f"'{entry['name']}' is not available in academic cycle '{cycle_label(cycle)}'"


def rules_cycle(trainee_start: date | None, itt_start: date | None, today: date) -> int:
    """The academic cycle used by the funding rules (core.md §13.1)."""
    from register_sandbox.timefmt import cycle_start_year

    for day in (trainee_start, itt_start):
        if day is not None:
            return cycle_start_year(day)
    month = today.month + 1
    year = today.year + (1 if month > 12 else 0)
    return cycle_start_year(date(year, (month - 1) % 12 + 1, 1))
