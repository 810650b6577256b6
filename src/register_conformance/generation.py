"""Genuinely valid request bodies for the real API, relative to "today" and the current cycle.

Schemathesis generates from the overlaid schema, which cannot express the cross-field rules
(route ↔ degrees, age range ↔ subject, funding per cycle, dates relative to today). The builders
here make bodies that pass them; ``repair_*`` keeps the generator's own values where no cross-field
rule depends on them, so boundary values (e.g. 60-character names) are still exercised.

All randomness comes from a ``random.Random`` seeded by the caller, so runs are reproducible.
Data: ``data/generation.yaml`` (written from the facts, never imported from the sandbox).
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from register_conformance.cycle import CycleDates, utc_today

DATA_FILE = Path(__file__).parent / "data" / "generation.yaml"


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


class Builder:
    """Makes valid bodies for one API version; names and ids carry the run id."""

    def __init__(self, version: str, run_id: str, today: date | None = None) -> None:
        self.version = version
        self.run_id = re.sub(r"[^A-Za-z0-9]", "", run_id)[:12] or "run"
        self.today = today or utc_today()
        self.dates = CycleDates(self.today)
        self._serial = 0

    # -- helpers ---------------------------------------------------------------------------------
    def serial(self) -> int:
        self._serial += 1
        return self._serial

    @property
    def subject_keys(self) -> tuple[str, str, str]:
        if self.version == "v2025.0":
            return ("course_subject_one", "course_subject_two", "course_subject_three")
        return ("course_subject_1", "course_subject_2", "course_subject_3")

    @property
    def withdraw_date_key(self) -> str:
        return "withdraw_date" if self.version == "v2025.0" else "withdrawal_date"

    def route_kinds(self) -> dict[str, list[str]]:
        return data()["routes"][self.version]

    # -- bodies ----------------------------------------------------------------------------------
    def degree(self, rnd: random.Random) -> dict[str, Any]:
        d = data()
        year = self.today.year - rnd.randint(1, 30)
        if rnd.random() < 0.75:
            return {"subject": rnd.choice(d["degree_subjects"]), "institution": rnd.choice(d["institutions"]),
                    "uk_degree": rnd.choice(d["uk_degree_types"]), "grade": rnd.choice(d["grades"]),
                    "graduation_year": year if rnd.random() < 0.5 else str(year)}
        body = {"subject": rnd.choice(d["degree_subjects"]), "country": rnd.choice(d["non_uk"]["countries"]),
                "non_uk_degree": rnd.choice(d["non_uk"]["degree_types"]), "graduation_year": year}
        if rnd.random() < 0.5:
            body["grade"] = rnd.choice(d["grades"])
        return body

    def placement(self, rnd: random.Random) -> dict[str, Any]:
        return {"urn": f"{rnd.randint(100000, 899999)}",
                "name": f"Conformance {self.run_id} School {rnd.randint(1, 999)}",
                "postcode": rnd.choice(data()["postcodes"])}

    def trainee(self, rnd: random.Random, *, kind: str | None = None, placements: int = 0) -> dict[str, Any]:
        """A create body that the API accepts (201), of a route kind drawn by ``rnd`` unless given."""
        d = data()
        n = self.serial()
        kinds = self.route_kinds()
        kind = kind or rnd.choice(sorted(kinds))
        route = rnd.choice(kinds[kind])
        start = self.dates.started
        dob = self.today - timedelta(days=365 * rnd.randint(20, 55) + rnd.randint(0, 300))
        s1, s2, _s3 = self.subject_keys
        body: dict[str, Any] = {
            "first_names": rnd.choice(["Alex", "Sam", "Jo", "Priya", "Kwame", "Zoë"]),
            "last_name": f"Conformance{self.run_id}{n}{''.join(rnd.choice('abcdefgh') for _ in range(4))}",
            "date_of_birth": dob.isoformat(),
            "sex": rnd.choice(d["sex"]),
            "email": f"conformance.{self.run_id}.{n}@example.com",
            "nationality": rnd.choice(d["nationality"]),
            "ethnicity": rnd.choice(d["ethnicity"]),
            "training_route": route,
            "itt_start_date": start.isoformat(),
            "itt_end_date": date(start.year + rnd.randint(1, 3), 7, 31).isoformat(),
            s1: rnd.choice(d["secondary_subjects"]),
            "study_mode": rnd.choice(d["study_mode"]),
            "course_age_range": rnd.choice(d["secondary_age_range"]),
            "itt_aim": "202",
            "itt_qualification_aim": rnd.choice(d["qualification_aim"]),
            "course_year": rnd.choice(["1", "2", 1]),
            "fund_code": "2",
            "funding_method": "6",
            "hesa_id": f"{rnd.randint(10**12, 10**13 - 1)}",
            "provider_trainee_id": f"conf-{self.run_id}-{n}",
        }
        if rnd.random() < 0.3:
            body["itt_aim"] = "201"
            if rnd.random() < 0.5:
                del body["itt_qualification_aim"]
        if rnd.random() < 0.4:
            codes = rnd.sample(d["disability"], rnd.randint(1, 2))
            for i, code in enumerate(codes, 1):
                body[f"disability{i}"] = code
        elif rnd.random() < 0.2:
            body["disability1"] = "95"
        if kind == "postgrad" and rnd.random() < 0.5 and self.dates.cycle_start.year in d["funded_cycles"]:
            funded = [f for f in d["funded"] if f[0] in kinds["postgrad"]]
            route, subject, fund, method = rnd.choice(funded)
            body.update({"training_route": route, s1: subject, "fund_code": fund, "funding_method": method})
        if kind == "postgrad" and rnd.random() < 0.25:
            body.update({"course_age_range": rnd.choice(d["primary_age_range"]), s1: d["primary_subject"],
                         "fund_code": "2", "funding_method": "6"})
        if kind.startswith("early_years"):
            body.update({"course_age_range": d["early_years_age_range"], s1: d["early_years_subject"]})
        if kind == "iqts":
            body["iqts_country"] = rnd.choice(d["iqts_country"])
        if kind == "assessment_only" and rnd.random() < 0.5:
            del body["study_mode"]
        if body[s1] != d["primary_subject"] and body[s1] != d["early_years_subject"] and rnd.random() < 0.3:
            others = [c for c in d["secondary_subjects"] if c != body[s1]]
            body[s2] = rnd.choice(others)
        if kind not in ("undergrad", "early_years_undergrad"):
            body["degrees_attributes"] = [self.degree(rnd)]
        if placements:
            body["placements_attributes"] = [self.placement(rnd) for _ in range(placements)]
        return body

    def defer(self, rnd: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"defer_date": self.today.isoformat()}
        if rnd.random() < 0.5:
            body["defer_reason"] = f"Conformance run {self.run_id}"
        return body

    def withdraw(self, rnd: random.Random) -> dict[str, Any]:
        trigger = rnd.choice(["provider", "trainee"])
        reasons = rnd.sample(data()["withdrawal"][trigger], rnd.randint(1, 2))
        body: dict[str, Any] = {self.withdraw_date_key: self.today.isoformat(), "reasons": reasons,
                                "trigger": trigger, "future_interest": rnd.choice(["yes", "no", "unknown"])}
        if any("another_reason" in r for r in reasons):
            body["another_reason"] = "Conformance: another reason"
        if "safeguarding_concerns" in reasons:
            body["safeguarding_concern_reasons"] = "Conformance: safeguarding details"
        return body

    def recommend(self, rnd: random.Random) -> dict[str, Any]:
        return {"qts_standards_met_date": self.today.isoformat()}

    # -- repairs of generated bodies -----------------------------------------------------------
    def repair_create(self, generated: Any, rnd: random.Random) -> dict[str, Any]:
        """A valid create body keeping the generator's free-text values where they are valid."""
        body = self.trainee(rnd)
        fields = generated.get("data") if isinstance(generated, dict) else None
        if isinstance(fields, dict):
            for key in ("first_names", "middle_names", "previous_last_name", "provider_trainee_id", "ni_number"):
                value = fields.get(key)
                if _text_ok(value, 60 if key.endswith("names") else 50):
                    body[key] = value
            if isinstance(fields.get("application_id"), int) and 0 <= fields["application_id"] <= 9999999:
                body["application_id"] = fields["application_id"]
        return {"data": body}

    def repair_update(self, generated: Any, rnd: random.Random) -> dict[str, Any]:
        """A valid partial update: generated free-text fields, plus a few always-valid coded ones."""
        fields = generated.get("data") if isinstance(generated, dict) else None
        out: dict[str, Any] = {}
        if isinstance(fields, dict):
            for key in ("first_names", "middle_names", "last_name", "previous_last_name", "provider_trainee_id"):
                value = fields.get(key)
                if _text_ok(value, 50 if key == "provider_trainee_id" else 60):
                    out[key] = value
            for key, allowed in (("sex", data()["sex"]), ("ethnicity", data()["ethnicity"]),
                                 ("nationality", data()["nationality"])):
                if fields.get(key) in allowed:
                    out[key] = fields[key]
        if not out:
            out["first_names"] = rnd.choice(["Alex", "Sam", "Jo"])
        return {"data": out}

    def repair_degree(self, generated: Any, rnd: random.Random, *, partial: bool) -> dict[str, Any]:
        fields = generated.get("data") if isinstance(generated, dict) else None
        body = self.degree(rnd)
        if partial and isinstance(fields, dict) and fields:
            # Keep the generator's choice of which keys to send; values come from a valid degree.
            keys = [k for k in fields if k in body]
            if keys and not any(k in ("uk_degree", "non_uk_degree", "country", "institution") for k in keys):
                body = {k: body[k] for k in keys}
        return {"data": body}

    def repair_placement(self, generated: Any, rnd: random.Random, *, partial: bool) -> dict[str, Any]:
        fields = generated.get("data") if isinstance(generated, dict) else None
        body = self.placement(rnd)
        if isinstance(fields, dict) and _text_ok(fields.get("name"), 255):
            body["name"] = fields["name"]
        if partial and isinstance(fields, dict) and "urn" not in fields and "name" in fields:
            body.pop("urn")
        return {"data": body}


def _text_ok(value: Any, max_length: int) -> bool:
    """A string the API stores as given: non-blank, within the limit, no NUL or surrogates."""
    if not isinstance(value, str) or not value.strip() or len(value) > max_length or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
