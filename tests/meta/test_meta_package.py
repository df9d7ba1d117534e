"""Meta-tests that keep the package, its docs and its command line honest."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import checker
from checker.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(checker.__path__, prefix="checker.") if m.name != "checker.__main__"
)
COMMANDS = ("check", "steps", "grade", "verify", "gradescope-bundle", "schema")


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(module: str) -> None:
    # A fresh interpreter: an import that only works after another module was imported fails here.
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("module", MODULES)
def test_modules_stay_well_under_800_lines(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    lines = Path(spec.origin).read_text(encoding="utf-8").count("\n")
    assert lines < 800, f"{module} has {lines} lines: split it by stage"


def test_public_api_is_exactly_all() -> None:
    for name in checker.__all__:
        assert hasattr(checker, name), name
    assert sorted(checker.__all__) == list(checker.__all__), "keep __all__ sorted"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_cli_command_has_help_text(command: str) -> None:
    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, type(parser._subparsers._group_actions[0])))  # type: ignore[union-attr]
    assert command in sub.choices
    help_text = sub.choices[command].format_help()
    assert len(sub.choices[command].description or "") > 20
    assert "--key" in help_text or command != "verify"


def test_cli_help_runs_as_a_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "checker.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    for command in COMMANDS:
        assert command in proc.stdout


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.DOTALL)
    assert len(blocks) >= 2
    install_and_grade, install_and_test = blocks[0], blocks[1]
    assert "pip install" in install_and_grade and "derivcheck grade" in install_and_grade
    assert "pip install" in install_and_test and "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test.strip() in ci, ".ci/run must run exactly the README's test command"


def test_readme_maps_every_stage_module_to_its_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for module in MODULES:
        name = module.rsplit(".", 1)[-1]
        if name.startswith("_") or module.count(".") > 1:
            continue  # internals and sub-modules of a stage package are the package's business
        spec = importlib.util.find_spec(module)
        assert spec is not None
        is_package = spec.submodule_search_locations is not None
        path = module.replace(".", "/") + ("/" if is_package else ".py")
        assert path in readme, f"README's stage map lacks {path}"
