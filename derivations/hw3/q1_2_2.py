"""1.2.2: the ridge solution w* = (XᵀX + 2nλI)⁻¹Xᵀt, and its push-through form."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

from ._symbols import dims

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: objective, gradient, first-order condition, normal equations, closed form."""
    s = symbols_of(key, "1.2.2")
    n, d = dims(s)
    X, w, t, lam = s["X"], s["w"], s["t"], s["lambda"]
    J = sympy.MatrixSymbol("J(w)", 1, 1)
    grad = sympy.MatrixSymbol(r"\nabla_{w} J", d, 1)
    residual = X * w - t
    gradient = X.T * residual / n + 2 * lam * w
    A = X.T * X + 2 * n * lam * sympy.Identity(d)
    B = X * X.T + 2 * n * lam * sympy.Identity(n)
    steps = (
        Step(
            MatrixEquation(J, residual.T * residual / (2 * n) + lam * (w.T * w)),
            "the ridge objective (1/2n)‖Xw − t‖² + λ‖w‖²",
            "definition",
        ),
        Step(MatrixEquation(grad, gradient), "differentiate with respect to w", "derivative", ref=1, wrt=w),
        Step(
            MatrixEquation(gradient, 0),
            "set the gradient to zero at the minimizer (the objective is strictly convex for λ > 0)",
            "stationary",
            ref=1,
            wrt=w,
        ),
        Step(MatrixEquation(A * w, X.T * t), "multiply by n and collect w", "equivalent", by=n),
        Step(
            MatrixEquation(w, A.I * X.T * t),
            "multiply by the inverse (XᵀX + 2nλI is positive definite for λ > 0)",
            "implies",
            by=A.I,
        ),
        Step(
            MatrixEquation(w, X.T * B.I * t),
            "push-through identity (XᵀX + 2nλI)⁻¹Xᵀ = Xᵀ(XXᵀ + 2nλI)⁻¹",
            "equivalent",
        ),
    )
    return Derivation(
        name="q1_2_2",
        question="1.2.2",
        title="Ridge regression in closed form: w* = (XᵀX + 2nλI)⁻¹Xᵀt",
        symbols=(X, w, t, lam),
        steps=steps,
        latex_names=latex_names(key, "1.2.2"),
        dimensions=(n, d),
        concrete=((3, 2), (2, 3), (1, 1)),
        answer_step=5,
    )
