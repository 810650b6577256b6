"""Known differences from the facts (``data/compat/behaviour.yaml``) and their schema evidence."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from register_conformance.compat.model import SEVERITIES, Change, KnownDifference
from register_conformance.compat.renames import DATA_DIR
from register_conformance.errors import ConfigurationError

KINDS = ("schema", "behaviour")


@lru_cache(maxsize=1)
def _load() -> tuple[str, str, tuple[dict[str, Any], ...]]:
    import yaml

    path = DATA_DIR / "behaviour.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    items = data.get("differences") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConfigurationError(f"{path}: expected 'differences:' with a list")
    for item in items:
        if item.get("severity") not in SEVERITIES or item.get("kind") not in KINDS or not item.get("id"):
            raise ConfigurationError(f"{path}: bad entry {item.get('id')!r} (id, kind, severity required)")
    return str(data.get("from")), str(data.get("to")), tuple(items)


def known_differences(from_version: str, to_version: str) -> list[KnownDifference]:
    """Fresh ``KnownDifference`` objects for this direction (empty for any other pair)."""
    base_from, base_to, items = _load()
    if (from_version, to_version) != (base_from, base_to):
        return []
    return [
        KnownDifference(
            id=str(i["id"]), title=str(i["title"]), severity=str(i["severity"]), rule=str(i["rule"]),
            kind=str(i["kind"]), source=str(i.get("source", "")), before=str(i.get("before", "")),
            after=str(i.get("after", "")), advice=str(i.get("advice", "")),
            operations=[str(o) for o in i.get("operations") or []],
            evidence=[dict(e) for e in i.get("evidence") or []],
        )
        for i in items
    ]


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _matches(pattern: dict[str, Any], change: Change, *, anywhere: bool = False) -> bool:
    """Whether ``change`` matches an evidence pattern (``anywhere``: ignore its operation)."""
    if pattern.get("rule") is not None and change.rule not in _listed(pattern["rule"]):
        return False
    if pattern.get("field") is not None:
        name = change.field.replace("[]", "").rsplit(".", 1)[-1]
        if not {change.field, name} & set(_listed(pattern["field"])):
            return False
    ignore_operation = anywhere and pattern.get("field") is not None  # field renames recur in many operations
    if not ignore_operation and pattern.get("operation") and pattern["operation"] != change.operation:
        return False
    return not (pattern.get("location") and not change.location.startswith(pattern["location"]))


def link_evidence(known: Iterable[KnownDifference], changes: list[Change]) -> None:
    """Mark each known difference found by the static diff and tag the changes that prove it.

    A schema-kind difference counts as found when every evidence pattern matches some change (in
    the operation the pattern names); a behaviour-kind difference just collects the symptoms the
    schemas show. Changes are tagged wherever a field pattern matches, whatever the operation.
    """
    for item in known:
        matched_all = bool(item.evidence)
        for pattern in item.evidence:
            matched_all = matched_all and any(_matches(pattern, c) for c in changes)
            for change in changes:
                if _matches(pattern, change, anywhere=True) and item.id not in change.known:
                    change.known.append(item.id)
        item.found_in_schema = item.kind == "schema" and matched_all
