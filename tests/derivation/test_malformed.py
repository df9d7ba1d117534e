"""Malformed derivations raise DerivationError naming the derivation, the step and the problem.

Never a bare traceback from SymPy: a TA writing the next homework's derivation reads which step
of which module to fix and what was expected.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sympy
from derivation_helpers import with_step
from hw3_derivations import get, key_symbols

from checker.derivation.chain import Derivation, MatrixEquation, Step, prove
from checker.errors import DerivationError

S = key_symbols("1.2.2")
X, w, t, n, d, lam = S["X"], S["w"], S["t"], S["n"], S["d"], S["lambda"]


def _push_through_swapped() -> Derivation:
    """XXᵀ written as XᵀX inside the n×n inverse: Xᵀ (d×n) times a d×d inverse does not fit."""
    bad = MatrixEquation(w, X.T * (X.T * X + 2 * n * lam * sympy.Identity(d)).I * t)
    return with_step("q1_2_2", 6, claim=bad)


def _derivation_of(*steps: Step, symbols: tuple[Any, ...] = (X, w, t, lam)) -> Derivation:
    return Derivation("demo", "9.9", "a demo", symbols, steps, dimensions=(n, d))


GIVEN = Step(MatrixEquation(X.T * X * w, X.T * t), "normal equations without penalty", "given")


@dataclass(frozen=True)
class Bad:
    id: str
    build: Callable[[], Derivation]
    step: int | None
    says: str


BAD = (
    Bad("claim-is-a-string", lambda: with_step("q1_2_2", 3, claim="w = 0"), 3, "expected an expression"),
    Bad("claim-is-an-int", lambda: with_step("q1_2_2", 3, claim=0), 3, "of type int"),
    Bad(
        "equation-evaluated-to-bool",
        lambda: with_step("q1_2_4", 6, claim=sympy.Eq(S["epsilon"], -1)),
        6,
        "SymPy decided the equation",
    ),
    Bad(
        "sympy-eq-on-matrices",
        lambda: with_step("q1_2_2", 4, claim=sympy.Eq(X.T * X * w, X.T * t, evaluate=False)),
        4,
        "MatrixEquation",
    ),
    Bad("swapped-product-shape", _push_through_swapped, 6, "shape mismatch"),
    Bad(
        "sides-of-different-shape",
        lambda: with_step("q1_2_2", 5, claim=MatrixEquation(w, t)),
        5,
        "shape mismatch",
    ),
    Bad(
        "unknown-symbol",
        lambda: with_step("q1_2_2", 5, claim=MatrixEquation(w, sympy.Symbol("z") * w)),
        5,
        "unknown symbol(s) z",
    ),
    Bad(
        "symbol-with-other-assumptions",
        lambda: with_step(
            "q1_2_2", 2, claim=MatrixEquation(get("q1_2_2").steps[1].claim.lhs, sympy.Symbol("lambda") * w)
        ),
        2,
        "unknown symbol(s) lambda",
    ),
    Bad(
        "unknown-rule", lambda: with_step("q1_2_2", 4, rule="by-inspection"), 4, "expected rule to be one of"
    ),
    Bad("empty-justification", lambda: with_step("q1_2_2", 4, justification="  "), 4, "justification"),
    Bad("reference-to-a-later-step", lambda: with_step("q1_2_2", 4, ref=5), 4, "earlier steps 1..3"),
    Bad("using-a-non-inequality", lambda: with_step("q1_2_3", 11, using=(2,)), 11, "premises e > 0"),
    Bad("derivative-without-wrt", lambda: with_step("q1_2_2", 2, wrt=None), 2, "give wrt"),
    Bad("implies-without-how", lambda: with_step("q1_2_2", 5, by=None), 5, "exactly one of by"),
    Bad("matrix-by-in-equivalent", lambda: with_step("q1_2_2", 4, by=X.T * X), 4, "nonzero scalar"),
    Bad(
        "redefinition",
        lambda: with_step("q1_2_3", 5, claim=sympy.Eq(key_symbols("1.2.3")["w"], 1)),
        5,
        "definition",
    ),
    Bad(
        "first-step-not-given",
        lambda: _derivation_of(dataclasses.replace(GIVEN, rule="equivalent")),
        1,
        "first step",
    ),
    Bad("no-steps", lambda: _derivation_of(), None, "at least one step"),
    Bad(
        "answer-step-out-of-range",
        lambda: dataclasses.replace(get("q1_2_4"), answer_step=99),
        None,
        "answer_step",
    ),
    Bad(
        "concrete-of-the-wrong-arity",
        lambda: dataclasses.replace(get("q1_2_2"), concrete=((3,), (2,))),
        None,
        "one value per dimension",
    ),
    Bad(
        "undeclared-noise-family",
        lambda: dataclasses.replace(get("q3_2"), symbols=get("q3_2").symbols[:-1]),
        None,
        "noise family",
    ),
    Bad(
        "matrix-unknown-for-solve",
        lambda: with_step("q1_2_2", 5, by=None, solve_for=w),
        5,
        "scalar Symbol",
    ),
    Bad(
        "follows-from-a-premise",
        lambda: with_step("q1_2_3", 7, ref=1),
        7,
        "name premises with using=",
    ),
    Bad(
        "inequality-in-an-equivalent-step",
        lambda: with_step("q1_2_3", 9, claim=sympy.Gt(key_symbols("1.2.3")["x"], 0)),
        9,
        "inequality only",
    ),
)


@pytest.mark.parametrize("case", BAD, ids=[b.id for b in BAD])
def test_malformed_derivation_is_named(case: Bad) -> None:
    derivation = case.build()
    with pytest.raises(DerivationError) as info:
        prove(derivation)
    message = str(info.value)
    assert f"derivations/{derivation.name}.py" in message
    assert f"question {derivation.question}" in message
    if case.step is not None:
        assert f"step {case.step}:" in message
    assert case.says in message


def test_derivation_error_pickles() -> None:
    with pytest.raises(DerivationError) as info:
        prove(with_step("q1_2_2", 4, rule="by-inspection"))
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
