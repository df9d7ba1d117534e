"""The pytest11 plugin: one item per step where opted in, nothing at all elsewhere.

Each test runs pytest in a fresh directory in a subprocess, as another project would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

FAKE = textwrap.dedent(
    """
    import sympy
    from checker.derivation import Derivation, Step


    def derivation(key):
        a, b = sympy.symbols("a b", real=True)
        return Derivation("good", "0.1", "square", (a, b), (
            Step(sympy.Eq(a, (b + 1) ** 2), "given", "given"),
            Step(sympy.Eq(a, b**2 + 2 * b + 1), "expand", "equivalent"),
            Step(sympy.Eq(a, b**2 + b + 1), "expand again, wrongly", "equivalent", ref=1),
        ))
    """
)
MALFORMED = textwrap.dedent(
    """
    import sympy
    from checker.derivation import Derivation, Step


    def derivation(key):
        a, b = sympy.symbols("a b", real=True)
        return Derivation("bad", "0.2", "malformed", (a, b), (
            Step(sympy.Eq(a, b), "given", "given"),
            Step(sympy.Eq(a, b), "trust me", "magic"),
        ))
    """
)
KEY = textwrap.dedent(
    """
    [key]
    name = "fakehw"
    [symbols.a]
    latex = 'a'
    [[question]]
    id = "0.1"
    points = 1
    kind = "expression"
    reference = 'a'
    derivation = "good"
    """
)


def _homework(where: Path) -> Path:
    folder = where / "fakehw"
    (folder / "derivations").mkdir(parents=True)
    (folder / "key.toml").write_text(KEY, encoding="utf-8")
    (folder / "derivations" / "good.py").write_text(FAKE, encoding="utf-8")
    (folder / "derivations" / "bad.py").write_text(MALFORMED, encoding="utf-8")
    return folder


def _run_pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_one_item_per_step_and_the_wrong_step_fails(tmp_path: Path) -> None:
    _homework(tmp_path)
    (tmp_path / "derivations.toml").write_text('[derivcheck]\nhomeworks = ["fakehw"]\n', encoding="utf-8")
    run = _run_pytest(tmp_path)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "derivations.toml::fakehw::0.1::step 1 PASSED" in out
    assert "derivations.toml::fakehw::0.1::step 2 PASSED" in out
    assert "derivations.toml::fakehw::0.1::step 3 FAILED" in out
    assert "0.1 step 3 (expand again, wrongly) does not follow" in out
    # A malformed derivation fails each of its items with the DerivationError, naming the step.
    assert "derivations.toml::fakehw::0.2::step 1 FAILED" in out
    assert "expected rule to be one of" in out
    assert "2 passed" in out


def test_a_missing_homework_folder_is_a_collection_error(tmp_path: Path) -> None:
    (tmp_path / "derivations.toml").write_text('[derivcheck]\nhomeworks = ["no_such_hw"]\n', encoding="utf-8")
    run = _run_pytest(tmp_path)
    assert run.returncode != 0
    assert "no_such_hw" in run.stdout
    assert "expected a homework folder with a key.toml" in run.stdout


def test_other_projects_see_nothing_and_load_nothing(tmp_path: Path) -> None:
    """Without a derivations.toml the plugin collects nothing and imports neither SymPy nor us."""
    (tmp_path / "test_other.py").write_text(
        textwrap.dedent(
            """
            import sys

            def test_untouched():
                assert "sympy" not in sys.modules
                assert "checker.derivation.chain" not in sys.modules
                assert not any(name.startswith("_derivcheck_derivations_") for name in sys.modules)
            """
        ),
        encoding="utf-8",
    )
    run = _run_pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "derivations.toml" not in run.stdout
