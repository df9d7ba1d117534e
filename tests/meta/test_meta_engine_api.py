"""Other stages use the engine through what checker/engine/__init__.py names, never its modules:
one sampling and refutation path (checker.engine.search) for the cascade and the step checker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[2] / "checker"
OUTSIDE = sorted(p for p in CHECKER.rglob("*.py") if "engine" not in p.relative_to(CHECKER).parts)


def _engine_modules_imported(path: Path) -> list[str]:
    """``from checker.engine.cascade import ...``, ``from checker.engine import cascade``, ``import checker.engine.x``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checker.engine."):
            found.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "checker.engine":
            found.extend(a.name for a in node.names if (CHECKER / "engine" / f"{a.name}.py").exists())
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith("checker.engine."))
    return found


@pytest.mark.parametrize("path", OUTSIDE, ids=lambda p: str(p.relative_to(CHECKER)))
def test_engine_used_through_its_package_only(path: Path) -> None:
    assert _engine_modules_imported(path) == []


def test_steps_keeps_no_sampling_loop_of_its_own() -> None:
    source = (CHECKER / "judge" / "steps.py").read_text(encoding="utf-8")
    for private in ("inst.sample", "_ATTEMPTS", "_simpler_failure", "dimension_points"):
        assert private not in source
