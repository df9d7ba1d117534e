"""Fault 7: each step its own budget, the chain a total bound; out of memory is never ``unparsed``.

``steps`` once budgeted the whole chain (2 s x lines): one heavy step ran 20 s, and a 60-line
chain hit the memory cap as an internal error.  Out of memory inside the LaTeX transformer read as
"SymPy refused it", so ``check`` reported ``unparsed``.  Now each step is a task of its own, a
step past its budget is "not checked" while the others are checked, and a MemoryError is a memory
limit wherever it happens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import latex
from checker.cli import main
from checker.config import Budget, GradeConfig
from checker.key import load_key
from checker.latex._transformer import Build
from checker.run import check
from checker.run.check import check_answer, check_chain

KEY = load_key()
TIGHT = GradeConfig(budget=Budget(seconds=1.0), jobs=1)
RIGHT = r"w = (X^T X + 2 n \lambda I)^{-1} X^T t"
# Reading this step takes seconds (a product of 800 factors): past a 1 s budget.
HEAVY = " ".join(["X^T X"] * 400)
SLIP = r"w = (X^T X + n \lambda I)^{-1} X^T t"  # the factor 2 dropped: does not follow


def test_a_heavy_step_is_not_checked_and_the_rest_are() -> None:
    result = check_chain(KEY, "1.2.2", "\n".join([RIGHT, HEAVY, SLIP]), config=TIGHT)
    statuses = [(s.status, s.reason.split(";")[0]) for s in result.steps]
    assert statuses[0][0] == "given"
    assert statuses[1] == ("given", "not checked: time limit (1 s) exceeded")
    assert statuses[2][0] == "does_not_follow", "the step after the heavy one is still checked"
    assert result.first_invalid == 3


def test_the_chain_stops_at_its_total_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "CHAIN_BUDGETED_STEPS", 1)  # the whole chain: one step's budget
    result = check_chain(KEY, "1.2.2", "\n".join([RIGHT, HEAVY, SLIP, RIGHT]), config=TIGHT)
    reasons = [s.reason for s in result.steps]
    assert reasons[1].startswith("not checked: time limit")
    assert all(r.startswith("not checked: the chain's total time bound (1 s)") for r in reasons[2:])


def _out_of_memory(self: Build, tree: object, span: object, children: object) -> object:
    raise MemoryError


def test_out_of_memory_while_reading_latex_is_not_a_syntax_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Build, "rule", _out_of_memory)
    q = KEY.question("3.2")
    with pytest.raises(MemoryError):
        latex.parse(r"\frac{1-p}{p} + 31337", q.symbols, options=q.options)


def test_check_out_of_memory_is_an_error_verdict_not_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched before the worker forks: the worker runs out of memory building the answer.
    monkeypatch.setattr(Build, "rule", _out_of_memory)
    config = GradeConfig(budget=Budget(seconds=60), jobs=1)  # a long --timeout, as in the report
    verdict = check_answer(KEY, "3.2", r"\sigma = \frac{1-p}{p} + 27182", config=config)
    assert (verdict.verdict, verdict.answer_note) == ("error", "memory_limit")
    assert "memory limit" in verdict.feedback


def test_steps_out_of_memory_is_a_memory_limit_per_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Build, "rule", _out_of_memory)
    result = check_chain(KEY, "3.2", "\\sigma^2 = 16180 p\n\\sigma = 16180", config=TIGHT)
    assert [s.reason.split(";")[0] for s in result.steps] == [
        "not checked: memory limit (2048 MiB) exceeded"
    ] * 2


def test_cli_steps_with_a_heavy_step_exits_0_with_every_step(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chain = tmp_path / "chain.tex"
    chain.write_text("\n".join([RIGHT, HEAVY, SLIP]) + "\n", encoding="utf-8")
    code = main(["steps", "1.2.2", str(chain), "--format", "json", "--timeout", "1"])
    assert code == 0
    obj = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in obj["steps"]] == ["given", "given", "does_not_follow"]
    assert obj["first_invalid"] == 3
