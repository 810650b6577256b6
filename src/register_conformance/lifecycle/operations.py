"""Every lifecycle operation on one trainee, as labelled calls (for 401/404/isolation sweeps)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from register_conformance.lifecycle.steps import Lifecycle

Operation = tuple[str, Callable[[], httpx.Response]]


def trainee_operations(lc: Lifecycle, trainee_id: str, degree_id: str, placement_id: str) -> list[Operation]:
    """Show, update, every degree/placement call and every transition, each with a valid body.

    Valid bodies matter: some endpoints check the body before the trainee lookup (lifecycle.md §2.3).
    ``update-qts-or-eyts-status`` is included for v2026.1 only (documented there, lifecycle.md §7.1).
    """
    d, t = lc.data, trainee_id
    ops: list[Operation] = [
        ("GET trainee", lambda: lc.show(t)),
        ("PUT trainee", lambda: lc.update(t, {"first_names": "Intruder"})),
        ("PATCH trainee", lambda: lc.update(t, {"first_names": "Intruder"}, method="PATCH")),
        ("GET degrees", lambda: lc.degrees(t)),
        ("GET degree", lambda: lc.degree(t, degree_id)),
        ("POST degree", lambda: lc.add_degree(t, d.degree(1))),
        ("PUT degree", lambda: lc.update_degree(t, degree_id, {"grade": "01"})),
        ("PATCH degree", lambda: lc.update_degree(t, degree_id, {"grade": "01"}, method="PATCH")),
        ("DELETE degree", lambda: lc.delete_degree(t, degree_id)),
        ("GET placements", lambda: lc.placements(t)),
        ("GET placement", lambda: lc.placement(t, placement_id)),
        ("POST placement", lambda: lc.add_placement(t, d.placement(3))),
        ("PUT placement", lambda: lc.update_placement(t, placement_id, {"name": "Intruder school"})),
        ("PATCH placement", lambda: lc.update_placement(t, placement_id, {"name": "Intruder school"}, method="PATCH")),
        ("DELETE placement", lambda: lc.delete_placement(t, placement_id)),
        ("POST withdraw", lambda: lc.withdraw(t)),
        ("POST defer", lambda: lc.defer(t)),
        ("POST recommend-for-qts", lambda: lc.recommend(t)),
    ]
    if lc.version == "v2026.1":
        ops.append(("POST update-qts-or-eyts-status", lambda: lc.recommend(t, path="update-qts-or-eyts-status")))
    return ops
