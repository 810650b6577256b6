"""Facts and small helpers of trainee validation: route/subject constants, code lists, inclusion messages, email."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.values import text

EARLY_YEARS_ROUTES = frozenset({"17", "18", "19", "20"})
UNDERGRAD_ROUTES = frozenset({"11", "09", "18", "14"})
ROUTES_2026 = ("03", "09", "10", "11", "12", "14", "15", "16", "17", "18", "19", "20", "21")
ROUTES_2025 = ("02", "03", "09", "10", "11", "12", "14")
PRIMARY_SUBJECT = "100511"
EARLY_YEARS_SUBJECT = "100510"
EARLY_YEARS_AGE_RANGE = "13920"
NOT_PROVIDED_ETHNICITY = "997"


@cache
def code_list(field: str) -> tuple[str, ...]:
    """Codes of a list, sorted as strings, without empty codes."""
    return tuple(c for c in ref.codes(field) if c)


def inclusion(value: Any, codes: tuple[str, ...] | list[str]) -> str:
    """The reference-data inclusion message (core.md §5.4)."""
    return ref.inclusion_message(text(value), list(codes))


_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_LABEL = re.compile(r"^(?:xn--[A-Za-z0-9-]+|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]+)$")


def valid_email(value: str) -> bool:
    """The email format rules of core.md §9.5."""
    if len(value) > 320 or ".." in value or value.count("@") != 1:
        return False
    local, host = value.split("@")
    if not local or not _LOCAL.match(local) or not host or len(host) > 253:
        return False
    labels = host.split(".")
    if len(labels) < 2:
        return False
    if any(len(label) > 63 or not _LABEL.match(label) for label in labels):
        return False
    return bool(_TLD.match(labels[-1]))
