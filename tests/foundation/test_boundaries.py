"""The suite and the harness never import the sandbox: it is only ever started as a process."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [*sorted((ROOT / "src" / "register_conformance").rglob("*.py")), *sorted((ROOT / "suites").rglob("*.py")),
           ROOT / "conftest.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
    return names


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_never_imports_the_sandbox(path: Path) -> None:
    offending = {n for n in _imports(path) if n == "register_sandbox" or n.startswith("register_sandbox.")}
    assert not offending, f"{path.relative_to(ROOT)} imports {sorted(offending)}; start the sandbox as a process"


def test_the_check_sees_the_files() -> None:
    assert len(CHECKED) > 20
    assert any(p.name == "launcher.py" for p in CHECKED)
