"""The input corpus: valid variants and invalid boundaries of each write operation, as data.

``data/corpus/<family>.yaml`` (trainees, degrees, placements) holds the cases; this module turns
them into request bodies for one API version and today's dates, and says what to expect back.
Valid trainee creates are built as rows: every pair of levels of two ``pairwise`` factors appears
in some row, and every entry of each ``each`` list appears in some row (cycled), so a handful of
trainees carries every value family. Bodies start from ``TraineeData`` (lifecycle/data.py); field
names are v2026.1's and renamed for v2025.0 with the known renames (data/compat/renames.yaml).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from register_conformance.compat.renames import known_renames
from register_conformance.cycle import CycleDates, years_ago
from register_conformance.requirements import get as requirement

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
FAMILIES = ("trainees", "degrees", "placements")
NESTED = ("degrees_attributes", "placements_attributes")


@cache
def load(family: str) -> dict[str, Any]:
    """One corpus file, parsed (``family`` is one of ``FAMILIES``)."""
    import yaml

    return yaml.safe_load((CORPUS_DIR / f"{family}.yaml").read_text(encoding="utf-8"))


# -- run-time values ----------------------------------------------------------------------------------
class Tokens:
    """Resolves ``$name`` values: dates from today's academic cycle, unique URNs, long strings.

    One instance per case or row, so a token used twice in it (``$urn6`` in a body and in its
    expectation) has the same value.
    """

    def __init__(self, dates: CycleDates, school_urn: str | None = None, rnd: random.Random | None = None) -> None:
        self.dates = dates
        self.school_urn = school_urn
        self.rnd = rnd or random.Random()
        self._cache: dict[str, Any] = {}

    def _value(self, name: str) -> Any:
        d, today = self.dates, self.dates.today
        next_year = today.year + 1
        fixed: dict[str, Any] = {
            "today": today.isoformat(), "started": d.started.isoformat(), "end": d.end_for(d.started).isoformat(),
            "day_after_start": (d.started + timedelta(days=1)).isoformat(),
            "dob_16": years_ago(today, 16).isoformat(),
            "dob_16_too_young": (years_ago(today, 16) + timedelta(days=1)).isoformat(),
            "dob_100": years_ago(today, 100).isoformat(),
            "dob_over_100": (years_ago(today, 100) - timedelta(days=1)).isoformat(),
            "end_in_5_years": date(today.year + 5, 12, 31).isoformat(),
            "end_in_6_years": date(today.year + 6, 1, 1).isoformat(),
            "start_in_2_years": date(today.year + 2, 1, 1).isoformat(),
            "next_year": next_year, "next_year_date": date(next_year, 6, 30).isoformat(),
            "next_year_minus_60": next_year - 60, "next_year_plus_1": next_year + 1,
            "next_year_minus_61": next_year - 61,
        }
        if name in fixed:
            return fixed[name]
        if name == "urn6":  # 8xxxxx: six digits, above every school URN in use, not a special URN
            return f"8{self.rnd.randint(10000, 99999)}"
        if name == "hesa17":
            return "".join(str(self.rnd.randint(0, 9)) for _ in range(17))
        if name == "school_urn":
            if not self.school_urn:
                raise LookupError("no known school URN configured (--school-urn)")
            return self.school_urn
        if name.startswith("chars:"):
            return "C" * int(name.split(":", 1)[1])
        raise KeyError(f"unknown corpus token ${name}")

    def resolve(self, value: Any) -> Any:
        """``value`` with every ``$token`` replaced (inside strings, lists and mappings too)."""
        if isinstance(value, str) and "$" in value:
            whole = _TOKEN.fullmatch(value)
            if whole:
                return self.get(whole.group(1))
            return _TOKEN.sub(lambda m: str(self.get(m.group(1))), value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def get(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._value(name)
        return self._cache[name]


_TOKEN = re.compile(r"\$([a-z_0-9]+(?::[0-9]+)?)")


# -- cases ---------------------------------------------------------------------------------------------
@dataclass
class Part:
    """One case, or one level of a row: what it sends and what it expects back."""

    requirement: str
    label: str
    set: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    expect: dict[str, Any] = field(default_factory=dict)
    expect_degrees: list[dict[str, Any]] = field(default_factory=list)
    expect_placements: list[dict[str, Any]] = field(default_factory=list)
    error: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    needs: str = ""
    route: str = "12"
    id: str = ""

    @classmethod
    def of(cls, raw: Mapping[str, Any], default_label: str = "") -> Part:
        requirement(str(raw["requirement"]))  # an unknown id is a corpus error, not a silent label
        error = raw.get("error") or ()
        return cls(requirement=str(raw["requirement"]), label=str(raw.get("label") or raw.get("id") or default_label),
                   set=dict(raw.get("set") or {}), drop=tuple(raw.get("drop") or ()),
                   expect=dict(raw.get("expect") or {}), expect_degrees=list(raw.get("expect_degrees") or []),
                   expect_placements=list(raw.get("expect_placements") or []),
                   error=(error,) if isinstance(error, str) else tuple(error),
                   versions=tuple(raw.get("versions") or ()), needs=str(raw.get("needs") or ""),
                   route=str(raw.get("route") or raw.get("set", {}).get("training_route") or "12"),
                   id=str(raw.get("id") or ""))

    def applies(self, version: str) -> bool:
        return not self.versions or version in self.versions

    def expected(self) -> dict[str, Any]:
        """Fields expected on re-read: everything sent (except nested lists), overridden by ``expect``."""
        sent = {k: v for k, v in self.set.items() if k not in NESTED}
        return {**sent, **self.expect}


def pairwise(factors: Mapping[str, int]) -> list[dict[str, int]]:
    """Rows of level indexes covering every pair of levels of two factors (greedy, deterministic).

    The greedy fill is tried with the factors in every order and the shortest result is kept.
    """
    names = list(factors)
    best: list[dict[str, int]] | None = None
    for order in itertools.permutations(names):
        rows = _greedy_pairs(list(order), factors)
        if best is None or len(rows) < len(best):
            best = rows
    return [{n: row[n] for n in names} for row in best] if best else [dict.fromkeys(names, 0)]


def _greedy_pairs(names: list[str], factors: Mapping[str, int]) -> list[dict[str, int]]:
    pairs = {(a, i, b, j) for a, b in itertools.combinations(names, 2)
             for i in range(factors[a]) for j in range(factors[b])}

    def covered(row: Mapping[str, int]) -> set[tuple[str, int, str, int]]:
        return {(a, row[a], b, row[b]) for a, b in itertools.combinations(names, 2) if a in row and b in row}

    rows: list[dict[str, int]] = []
    while pairs:
        a, i, b, j = min(pairs, key=lambda p: (names.index(p[0]), p[1], names.index(p[2]), p[3]))
        row = {a: i, b: j}
        for name in names:
            if name not in row:
                row[name] = max(range(factors[name]),
                                key=lambda k, n=name: (len(covered({**row, n: k}) & pairs), -k))
        pairs -= covered(row)
        rows.append(row)
    return rows


def trainee_rows(version: str) -> list[list[Part]]:
    """The valid create rows for ``version``: one list of parts (pairwise levels + cycled entries) each."""
    corpus = load("trainees")
    factors = {name: [Part.of(level, name) for level in levels] for name, levels in corpus["pairwise"].items()}
    each = {name: [p for p in (Part.of(e, name) for e in entries) if p.applies(version)]
            for name, entries in corpus["each"].items()}
    grid = pairwise({name: len(levels) for name, levels in factors.items()})
    count = max(len(grid), *(len(entries) for entries in each.values()))
    rows = []
    for r in range(count):
        levels = grid[r] if r < len(grid) else {n: r % len(f) for n, f in factors.items()}
        row = [factors[n][levels[n]] for n in factors]
        row += [entries[r % len(entries)] for entries in each.values() if entries]
        rows.append(row)
    return rows


def cases(family: str, section: str, version: str) -> list[Part]:
    """The parts of one section (``valid``, ``invalid``, ``update``'s cases) that apply to ``version``."""
    corpus = load(family)
    entries = corpus[section]["cases"] if section == "update" else corpus.get(section) or []
    return [p for p in (Part.of(e) for e in entries) if p.applies(version)]


# -- bodies in a version's names ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _names_2025() -> dict[str, str]:
    """v2026.1 field name → v2025.0 field name (the first known rename of each new name)."""
    out: dict[str, str] = {}
    for rename in known_renames():
        out.setdefault(rename.new, rename.old)
    return out


def in_version(fields: Mapping[str, Any], version: str) -> dict[str, Any]:
    """``fields`` with v2026.1 names renamed to ``version``'s (request bodies and trainee objects alike)."""
    if version != "v2025.0":
        return dict(fields)
    names = _names_2025()
    return {names.get(k, k): v for k, v in fields.items()}


def combine(parts: Iterable[Part]) -> Part:
    """One part holding the union of several (later parts win), for a row."""
    parts = list(parts)
    out = Part(requirement=parts[0].requirement, label="; ".join(p.label for p in parts))
    for p in parts:
        out.set.update(p.set)
        out.drop += p.drop
        out.expect.update(p.expect)
        out.expect_degrees += p.expect_degrees
        out.expect_placements += p.expect_placements
    return out


# -- comparing what was read back ------------------------------------------------------------------------
def differences(obj: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """``key: received … expected …`` for each expected key whose value differs (``{not: v}`` = anything else)."""
    out = []
    for key, want in expected.items():
        got = obj.get(key, "<absent>")
        ok = got != want["not"] if isinstance(want, dict) and set(want) == {"not"} else _same(got, want)
        if not ok:
            out.append(f"{key}: received {got!r}, expected {want!r}")
    return out


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, int) and not isinstance(want, bool) and isinstance(got, int):
        return got == want
    return (got == want and type(got) is type(want)) or (got is None and want is None)


def unmatched(items: list[Mapping[str, Any]], expected: list[Mapping[str, Any]]) -> list[str]:
    """Expected sub-objects that no stored item matches (each item used once), described."""
    free = list(items)
    missing = []
    for want in expected:
        hit = next((i for i in free if not differences(i, want)), None)
        if hit is None:
            missing.append(repr(want))
        else:
            free.remove(hit)
    return missing


def names_error(body: Any, attributes: tuple[str, ...]) -> bool:
    """True when a 422 body's errors mention one of ``attributes`` (flat, enhanced or object errors)."""
    text = repr(body.get("errors") if isinstance(body, dict) else body)
    return any(a in text for a in attributes)
