"""Pair removed and added fields into renames: the known-renames table first, then similarity."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from register_conformance.compat.walker import Field
from register_conformance.errors import ConfigurationError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "compat"
SIMILARITY_THRESHOLD = 0.75


@dataclass(frozen=True)
class KnownRename:
    """One row of ``data/compat/renames.yaml``."""

    old: str
    new: str
    source: str = ""


def load_yaml_list(name: str) -> list[dict[str, Any]]:
    """A list of mappings from ``data/compat/<name>``."""
    import yaml

    path = DATA_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise ConfigurationError(f"{path}: expected a list of mappings")
    return data


@lru_cache(maxsize=1)
def known_renames() -> tuple[KnownRename, ...]:
    """The known-renames table."""
    rows = load_yaml_list("renames.yaml")
    return tuple(KnownRename(str(r["from"]), str(r["to"]), str(r.get("source", ""))) for r in rows)


def _split(path: str) -> tuple[str, str]:
    """``data.withdraw_date`` → (``data``, ``withdraw_date``)."""
    if "." in path:
        parent, name = path.rsplit(".", 1)
        return parent, name
    return "", path


_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
            "eight": "8", "nine": "9"}


def _words(name: str) -> list[str]:
    """Name split on ``_``, number words spelt as digits (``course_subject_two`` → ``…, 2``)."""
    return [_NUMBERS.get(w, w) for w in name.lower().split("_")]


def similarity(old: str, new: str) -> float:
    """Name similarity in [0, 1].

    The difflib ratio of the names without ``_`` and with number words as digits; names that end
    in the same word and share at least two words (``lead_partner_urn`` / ``training_partner_urn``)
    score at least 0.8.
    """
    old_words, new_words = _words(old), _words(new)
    score = SequenceMatcher(None, "".join(old_words), "".join(new_words)).ratio()
    if old_words[-1] == new_words[-1] and len(set(old_words) & set(new_words)) >= 2:
        score = max(score, 0.8)
    return score


def _compatible(a: Field, b: Field) -> bool:
    return a.type is None or b.type is None or a.type == b.type


def pair_renames(removed: dict[str, Field], added: dict[str, Field],
                 table: tuple[KnownRename, ...] | None = None) -> list[tuple[str, str, str]]:
    """Renames as ``(old path, new path, how)`` with ``how`` = ``known`` or ``similar``.

    Only fields with the same parent path are paired; each field is used at most once. The
    known-renames table wins; the remaining fields are paired greedily by similarity of name
    (threshold ``SIMILARITY_THRESHOLD``) when their types are compatible.
    """
    table = known_renames() if table is None else table
    known = {(r.old, r.new) for r in table}
    free_old = dict(removed)
    free_new = dict(added)
    pairs: list[tuple[str, str, str]] = []
    for old_path in sorted(removed):
        parent, old_name = _split(old_path)
        for new_path in sorted(free_new):
            new_parent, new_name = _split(new_path)
            if new_parent == parent and (old_name, new_name) in known and old_path in free_old:
                pairs.append((old_path, new_path, "known"))
                del free_old[old_path]
                del free_new[new_path]
                break
    candidates: list[tuple[float, str, str]] = []
    for old_path, old_field in free_old.items():
        parent, old_name = _split(old_path)
        for new_path, new_field in free_new.items():
            new_parent, new_name = _split(new_path)
            if new_parent != parent or not _compatible(old_field, new_field):
                continue
            score = similarity(old_name, new_name)
            if score >= SIMILARITY_THRESHOLD:
                candidates.append((score, old_path, new_path))
    for _score, old_path, new_path in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if old_path in free_old and new_path in free_new:
            pairs.append((old_path, new_path, "similar"))
            del free_old[old_path]
            del free_new[new_path]
    return pairs
