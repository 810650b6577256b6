"""The requirement catalogue: every rule the suite checks, with its source in the facts.

Requirements are data (``data/requirements/*.yaml``), one file per area. Each entry has an ``id``
(stable, never reused), ``title``, ``source`` (section of core.md / lifecycle.md), ``level``
(MUST/SHOULD/MAY), ``versions`` and optionally ``text`` (the rule in words), ``not_tested``
(why no test covers it) and ``checks`` (the Schemathesis built-in checks whose failures break it).
``public_reference`` names the public documentation page a reader can open for a requirement
(``data/docs/public_pages.yaml``), the facts section staying the secondary reference. Tests cite ids
with ``@pytest.mark.requirement("ID", ...)``; coverage is computed from those markers, never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from register_conformance import API_VERSIONS
from register_conformance.errors import ConfigurationError

CATALOGUE_DIR = Path(__file__).parent / "data" / "requirements"
#: The ``CL-…`` catalogue: rules for a vendor's *client*, judged from its traffic by ``client check|serve``.
#: Kept apart from ``catalogue()`` so that server runs never list client rules as "not covered".
CLIENT_CATALOGUE = Path(__file__).parent / "data" / "clientcert" / "client.yaml"
LEVELS = ("MUST", "SHOULD", "MAY")


@dataclass(frozen=True)
class Requirement:
    """One documented rule of the Register API."""

    id: str
    title: str
    source: str
    level: str
    versions: tuple[str, ...]
    text: str = ""
    not_tested: str = ""
    area: str = ""
    checks: tuple[str, ...] = ()


def _parse(path: Path) -> list[Requirement]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path.name}: invalid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, list):
        raise ConfigurationError(f"{path.name}: expected a list of requirements")
    out = []
    for item in data:
        try:
            versions = tuple(item.get("versions") or API_VERSIONS)
            req = Requirement(
                id=str(item["id"]),
                title=str(item["title"]),
                source=str(item["source"]),
                level=str(item.get("level", "MUST")),
                versions=versions,
                text=str(item.get("text", "")),
                not_tested=str(item.get("not_tested", "")),
                area=path.stem,
                checks=tuple(str(c) for c in item.get("checks") or ()),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ConfigurationError(f"{path.name}: requirement {item!r} lacks {exc}") from None
        if req.level not in LEVELS or any(v not in API_VERSIONS for v in req.versions):
            raise ConfigurationError(f"{path.name}: requirement {req.id} has a bad level or version")
        out.append(req)
    return out


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Requirement]:
    """All requirements by id; duplicate ids are a configuration error."""
    found: dict[str, Requirement] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        for req in _parse(path):
            if req.id in found:
                raise ConfigurationError(f"requirement id {req.id} is defined twice")
            found[req.id] = req
    return found


@lru_cache(maxsize=1)
def client_catalogue() -> dict[str, Requirement]:
    """The client rules (``CL-…``) by id, area ``client``; an id shared with ``catalogue()`` is an error."""
    found: dict[str, Requirement] = {}
    for req in _parse(CLIENT_CATALOGUE):
        if req.id in found or req.id in catalogue():
            raise ConfigurationError(f"requirement id {req.id} is defined twice")
        found[req.id] = req
    return found


def get(requirement_id: str) -> Requirement:
    try:
        return catalogue()[requirement_id]
    except KeyError:
        raise ConfigurationError(f"unknown requirement id {requirement_id!r} (not in the catalogue)") from None


def for_check(check_name: str) -> str | None:
    """The requirement a failure of Schemathesis' built-in check ``check_name`` breaks (catalogue ``checks:``)."""
    return next((r.id for r in catalogue().values() if check_name in r.checks), None)


@lru_cache(maxsize=1)
def _public_pages() -> tuple[str, list[dict[str, str]]]:
    import yaml

    data = yaml.safe_load((CATALOGUE_DIR.parent / "docs" / "public_pages.yaml").read_text(encoding="utf-8"))
    return str(data["base_url"]).rstrip("/"), list(data["pages"])


def public_reference(source: str, version: str) -> dict[str, str]:
    """The public page a reader can open for a requirement whose facts source is ``source``.

    ``{"title", "url", "facts"}``; without a documented page, ``title`` says the rule is the observable
    behaviour of the live service and ``url`` is empty.
    """
    import re

    base, pages = _public_pages()
    for ref in re.findall(r"(core\.md|lifecycle\.md) §(\d+)", source):
        wanted = f"{ref[0]} §{ref[1]}"
        for page in pages:
            if page["facts"] == wanted:
                return {"title": f"Register API documentation {version}: {page['title']}",
                        "url": f"{base}/{page['page'].format(version=version)}", "facts": source}
    return {"title": "Observable behaviour of the live Register service (no public documentation section)",
            "url": "", "facts": source}
