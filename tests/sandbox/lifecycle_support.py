"""Helpers for the lifecycle HTTP tests: build a trainee and drive it into any state.

States are reached the way a client would (create, defer, withdraw, recommend) plus the sandbox's
asynchronous edges under the fake clock (TRN delay → ``trn_received``, award delay → ``awarded``).
``draft`` is the only state set directly through the store (the API never creates drafts).
"""

from __future__ import annotations

import itertools
from typing import Any

from .conftest import V25, V26, Api, auth, body, body_2025

STE_MESSAGE = "It\u2019s not possible to perform this action while the trainee is in its current state"
STE = {"errors": [{"error": "StateTransitionError", "message": STE_MESSAGE}]}
PARAM_MISSING = {"errors": ["Param is missing or the value is empty or invalid: data"]}
TRN_DELAY = 60.0
AWARD_DELAY = 60.0

DEGREE = {"subject": "100425", "graduation_year": "2015", "uk_degree": "051", "grade": "02", "institution": "0001"}
PLACEMENT = {"urn": "123456", "name": "Somewhere School", "postcode": "BN1 1AA"}

_names = itertools.count(1)


def unprocessable(*messages: str) -> dict[str, Any]:
    """The lifecycle 422 body for these messages (in this order)."""
    return {"errors": [{"error": "UnprocessableEntity", "message": m} for m in messages]}


def messages(response: Any) -> list[str]:
    """The messages of a lifecycle 422 body."""
    return [e["message"] for e in response.json()["errors"]]


def not_found(message: str) -> dict[str, Any]:
    return {"errors": [{"error": "NotFound", "message": message}]}


def version_path(version: str) -> str:
    return V25 if version.startswith("v2025") else V26


def withdraw_body(version: str, date: str = "2026-10-01", **extra: Any) -> dict[str, Any]:
    key = "withdraw_date" if version.startswith("v2025") else "withdrawal_date"
    return {"data": {key: date, "reasons": ["record_added_in_error"], "trigger": "provider",
                     "future_interest": "no", **extra}}


class Lifecycle:
    """One API version's view of the sandbox, with state-reaching helpers."""

    def __init__(self, api: Api, version: str) -> None:
        self.api = api
        self.version = version
        self.base = version_path(version)

    # --- raw calls --------------------------------------------------------------------------------

    def url(self, trainee_id: str, suffix: str = "") -> str:
        return f"{self.base}/trainees/{trainee_id}{suffix}"

    def call(self, method: str, path: str, json: Any = None, token: str | None = None) -> Any:
        headers = auth(token) if token else auth()
        return self.api.client.request(method, path, json=json, headers=headers)

    def trainee(self, trainee_id: str) -> dict[str, Any]:
        r = self.api.get(self.url(trainee_id))
        assert r.status_code == 200, r.text
        return r.json()

    # --- building trainees ------------------------------------------------------------------------

    def create(self, route: str = "12", degrees: list[dict[str, Any]] | None = None, placements: int = 2,
               **overrides: Any) -> str:
        """Create a trainee (unique name), with one degree and ``placements`` placements by default."""
        n = next(_names)
        fields: dict[str, Any] = {"last_name": f"Lifecycle{n}", "email": f"lc{n}@example.com",
                                  "training_route": route, **overrides}
        if route not in ("11", "09", "14", "18") or degrees:
            fields["degrees_attributes"] = degrees if degrees is not None else [dict(DEGREE)]
        payload = body(**fields) if self.base == V26 else body_2025(**fields)
        r = self.api.post(f"{self.base}/trainees", payload)
        assert r.status_code == 201, r.text
        trainee_id = r.json()["data"]["trainee_id"]
        for _ in range(placements):
            p = self.api.post(self.url(trainee_id, "/placements"), {"data": dict(PLACEMENT)})
            assert p.status_code == 201, p.text
        return trainee_id

    def receive_trn(self) -> None:
        """Let the TRN edge fire for every trainee created so far."""
        self.api.clock.advance(TRN_DELAY + 1)

    def reach(self, state: str, **create_args: Any) -> str:
        """A fresh trainee in ``state`` (needs ``award_delay`` configured for ``awarded``)."""
        trainee_id = self.create(**create_args)
        if state == "submitted_for_trn":
            pass
        elif state == "draft":
            self.api.set_state(trainee_id, "draft")
        elif state == "deferred":
            self._expect(self.api.post(self.url(trainee_id, "/defer"), {"data": {"defer_date": "2026-10-01"}}), 200)
        elif state == "withdrawn":
            self._expect(self.api.post(self.url(trainee_id, "/withdraw"), withdraw_body(self.version)), 200)
        else:
            self.receive_trn()
            if state in ("recommended_for_award", "awarded"):
                r = self.api.post(self.url(trainee_id, "/recommend-for-qts"),
                                  {"data": {"qts_standards_met_date": "2026-11-01"}})
                self._expect(r, 202)
            if state == "awarded":
                self.api.clock.advance(AWARD_DELAY + 1)
        assert self.trainee(trainee_id)["state"] == state
        return trainee_id

    @staticmethod
    def _expect(response: Any, status: int) -> None:
        assert response.status_code == status, response.text

    def first_degree(self, trainee_id: str) -> str:
        r = self.api.get(self.url(trainee_id, "/degrees"))
        return r.json()["data"][0]["degree_id"]

    def first_placement(self, trainee_id: str) -> str:
        r = self.api.get(self.url(trainee_id, "/placements"))
        return r.json()["data"][0]["placement_id"]
