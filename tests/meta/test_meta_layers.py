"""The package is laid out by stage and imports run one way (STYLE rule 1), lazy imports included.

The contracts live in pyproject.toml (``[tool.importlinter]``) and are checked with import-linter,
which reads every import statement of the package, those inside functions and under
``TYPE_CHECKING`` too.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

import checker

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_layer_contracts_hold() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0, "run lint-imports to see why"


def test_every_stage_and_bottom_module_is_a_layer() -> None:
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    top_level = {f"checker.{m.name}" for m in pkgutil.iter_modules(checker.__path__) if m.name != "__main__"}
    assert top_level == named, f"not layered: {sorted(top_level - named)}; stale: {sorted(named - top_level)}"
