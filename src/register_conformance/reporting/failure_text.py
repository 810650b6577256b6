"""Pull the parts a reader needs out of a failure's text: message, request, response, curl.

Two shapes are understood. ``register_conformance.expect`` writes ``Request: …``, ``Response: …``
and ``Reproduce: curl …`` lines; Schemathesis writes ``[422] Unprocessable:`` and ``Reproduce
with:`` followed by an indented ``curl`` line. pytest may prefix lines with ``E   ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_E_PREFIX = re.compile(r"^E {1,3}", re.MULTILINE)
_CURL_INLINE = re.compile(r"Reproduce:\s*(curl\s[^\n]+)")
_CURL_BLOCK = re.compile(r"Reproduce with:\s*\n(?:\s*\n)*\s*(curl\s[^\n]+)")
_CURL_BARE = re.compile(r"^\s*(curl -X [^\n]+)", re.MULTILINE)
_STATUS_BLOCK = re.compile(r"^\[(\d{3})\][^\n]*:\s*$", re.MULTILINE)
MAX_MESSAGE = 2000
MAX_PART = 4000


@dataclass
class FailureParts:
    """A failure split into the pieces shown in reports."""

    message: str
    request: str | None = None
    response: str | None = None
    curl: str | None = None
    curls: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """Failure text without pytest's ``E   `` prefixes."""
    return _E_PREFIX.sub("", text or "")


def extract_curls(text: str) -> list[str]:
    """Every curl reproduction in ``text``, in order, without duplicates."""
    text = clean(text)
    found: list[tuple[int, str]] = []
    for pattern in (_CURL_INLINE, _CURL_BLOCK, _CURL_BARE):
        found.extend((m.start(1), m.group(1).strip()) for m in pattern.finditer(text))
    return list(dict.fromkeys(curl for _, curl in sorted(found)))


def _section(lines: list[str], starts: tuple[str, ...]) -> str | None:
    picked = [line for line in lines if line.lstrip().startswith(starts)]
    return "\n".join(picked)[:MAX_PART] if picked else None


def split_failure(text: str) -> FailureParts:
    """Split failure text into message, request, response and curl (each may be missing)."""
    text = clean(text).strip()
    lines = text.splitlines()
    curls = extract_curls(text)
    request = _section(lines, ("Request:", "Request headers:", "Request body:"))
    response = _section(lines, ("Response:", "Response body:", "Response headers:"))
    status = _STATUS_BLOCK.search(text)
    if response is None and status:
        end = text.find("Reproduce with:", status.start())
        response = text[status.start(): end if end != -1 else None].strip()[:MAX_PART]
    cut = len(text)
    for marker in ("\nRequest:", "\nReproduce:", "\nReproduce with:"):
        index = text.find(marker)
        if index != -1:
            cut = min(cut, index)
    if status:
        cut = min(cut, status.start())
    message = (text[:cut].strip() or text.splitlines()[0]) if text else ""
    return FailureParts(message=message[:MAX_MESSAGE], request=request, response=response,
                        curl=curls[0] if curls else None, curls=curls)
