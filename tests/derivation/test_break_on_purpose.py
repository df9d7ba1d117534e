"""Break one step of a correct derivation: the prover must report exactly that step as failed.

Each row is a realistic slip (a dropped factor 2, a swapped product order, σ² for σ, a flipped
sign); the other steps must still be given or proved, so a TA is pointed at the one wrong line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sympy
from derivation_helpers import with_step
from hw3_derivations import dropout_symbols, get, key_symbols

from checker.derivation.chain import MatrixEquation, prove


def _ridge_gradient_without_2() -> Any:
    s = key_symbols("1.2.2")
    X, w, t, n, lam = s["X"], s["w"], s["t"], s["n"], s["lambda"]
    grad = get("q1_2_2").steps[1].claim.lhs
    return MatrixEquation(grad, X.T * (X * w - t) / n + lam * w)


def _eps_1d(xtx: Callable[[Any], Any], two: int = 2) -> Any:
    s = key_symbols("1.2.3")
    X, t, x, n, lam, eps = s["X"], s["t"], s["x"], s["n"], s["lambda"], s["epsilon"]
    return sympy.Eq(eps, x * (xtx(X) + two * n * lam) / (X.T * t)[0, 0])


def _sigma_squared_for_sigma() -> Any:
    s = dropout_symbols("3.2")
    return sympy.Eq(s.sigma, (1 - s.p) / s.p)


def _fgm_sign_flipped() -> Any:
    s = key_symbols("1.1.2")
    f_adv = get("q1_1_2").steps[4].claim.lhs
    return MatrixEquation(f_adv, s["w"].T * s["x"] + s["epsilon"] * (s["w"].T * s["w"]))


def _fgsm_dropped_abs() -> Any:
    s = key_symbols("1.2.4")
    return sympy.Eq(s["epsilon"], s["x"])


def _dropout_variance_without_scale() -> Any:
    s = dropout_symbols("3.1")
    lhs = get("q3_1").steps[3].claim.lhs
    return sympy.Eq(lhs, (1 - s.p) * sympy.Sum((s.w[s.j] * s.X[s.i, s.j]) ** 2, (s.j, 1, s.d)))


def _slope_dropped_n() -> Any:
    s = key_symbols("1.2.3")
    slope = get("q1_2_3").steps[9].claim.lhs
    return sympy.Eq(slope, 2 * s["x"] / (s["X"].T * s["t"])[0, 0])


def _coefficient_inverted() -> Any:
    s = dropout_symbols("3.1")
    return sympy.Eq(get("q3_1").steps[6].claim.lhs, s.p / (1 - s.p))


@dataclass(frozen=True)
class Break:
    id: str
    derivation: str
    step: int
    claim: Callable[[], Any]


BREAKS = (
    Break("ridge-gradient-dropped-2", "q1_2_2", 2, _ridge_gradient_without_2),
    Break("1d-eps-dropped-2", "q1_2_3", 9, lambda: _eps_1d(lambda X: (X.T * X)[0, 0], two=1)),
    Break("1d-eps-swapped-XtX-to-XXt", "q1_2_3", 9, lambda: _eps_1d(lambda X: (X * X.T)[0, 0])),
    Break("sigma-squared-for-sigma", "q3_2", 11, _sigma_squared_for_sigma),
    Break("fgm-sign-flipped", "q1_1_2", 5, _fgm_sign_flipped),
    Break("fgsm-dropped-abs", "q1_2_4", 8, _fgsm_dropped_abs),
    Break("dropout-variance-missing-1/p", "q3_1", 4, _dropout_variance_without_scale),
    Break("1d-slope-dropped-n", "q1_2_3", 10, _slope_dropped_n),
    Break("dropout-coefficient-inverted", "q3_1", 7, _coefficient_inverted),
)


@pytest.mark.parametrize("case", BREAKS, ids=[b.id for b in BREAKS])
def test_exactly_the_broken_step_fails(case: Break) -> None:
    report = prove(with_step(case.derivation, case.step, claim=case.claim()))
    assert report.failed == (case.step,), [(s.index, s.status, s.reason) for s in report.steps]
    assert not report.ok
    assert report.steps[case.step - 1].reason


def test_failure_names_the_dimensions_where_it_fails() -> None:
    report = prove(with_step("q1_2_2", 2, claim=_ridge_gradient_without_2()))
    proof = report.steps[1]
    assert "concrete dimensions" in proof.method
    assert "n=3, d=2" in proof.reason


def test_a_failed_restatement_is_skipped_by_the_next_step() -> None:
    """Step 7 of 1.2.3 restates step 6; when it is wrong, step 8 is checked against step 6."""
    s = key_symbols("1.2.3")
    wrong = sympy.Eq(s["w"] * s["x"] - 2 * s["epsilon"] * s["w"] ** 2, 0)
    report = prove(with_step("q1_2_3", 7, claim=wrong))
    assert report.failed == (7,)
    assert "checked against step 6" in report.steps[7].reason


def test_the_sign_of_the_slope_needs_the_premise() -> None:
    """Without x·Xᵀt > 0 the sign of ∂ε/∂λ = 2nx/(Xᵀt) is unknown: the step must fail."""
    report = prove(with_step("q1_2_3", 11, using=()))
    assert report.failed == (11,)


def test_fgsm_abs_needs_the_shared_sign_premise() -> None:
    report = prove(with_step("q1_2_4", 8, using=()))
    assert report.failed == (8,)


def test_multiplying_by_the_matrix_instead_of_its_inverse_fails() -> None:
    der = get("q1_2_2")
    A = der.steps[4].by.arg  # the by of step 5 is A⁻¹
    report = prove(with_step(der, 5, by=A))
    assert report.failed == (5,)


def test_taking_a_root_of_an_unsigned_unknown_is_not_unique() -> None:
    s = dropout_symbols("3.2")
    free_sigma = sympy.Symbol("sigma", real=True)  # no positivity: ±√ are both solutions
    der = get("q3_2")
    base = with_step(der, 11, claim=sympy.Eq(free_sigma, sympy.sqrt((1 - s.p) / s.p)), solve_for=free_sigma)
    steps = list(base.steps)
    steps[9] = with_step(der, 10, claim=sympy.Eq(free_sigma**2, (1 - s.p) / s.p)).steps[9]
    report = prove(
        type(der)(**{**der.__dict__, "steps": tuple(steps), "symbols": (*der.symbols, free_sigma)})
    )
    assert 11 in report.failed
    assert "one solution" in report.steps[10].reason
