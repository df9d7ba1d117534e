"""1.2: the normal equations XᵀXw = Xᵀt and their solution w* = (XᵀX)⁻¹Xᵀt."""

from __future__ import annotations

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

from ._loss import gradient_steps

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: loss, gradient, first-order condition, normal equations, closed form."""
    s = symbols_of(key, "1.2")
    n, d, X, w, t = s["n"], s["d"], s["X"], s["w"], s["t"]
    loss, grad = gradient_steps(s)
    steps = (
        loss,
        grad,
        Step(
            MatrixEquation(X.T * (X * w - t) / n, 0),
            "set the gradient to zero at the minimizer (J is convex)",
            "stationary",
            ref=1,
            wrt=w,
        ),
        Step(MatrixEquation(X.T * X * w, X.T * t), "multiply by n: the normal equations", "equivalent", by=n),
        Step(
            MatrixEquation(w, (X.T * X).I * X.T * t),
            "multiply by (XᵀX)⁻¹ (XᵀX is invertible when X has full column rank)",
            "implies",
            by=(X.T * X).I,
        ),
    )
    return Derivation(
        name="q1_2",
        question="1.2",
        title="The normal equations: w* = (XᵀX)⁻¹Xᵀt",
        symbols=(X, w, t),
        steps=steps,
        latex_names=latex_names(key, "1.2"),
        dimensions=(n, d),
        concrete=((3, 2), (4, 3), (1, 1)),  # n ≥ d: XᵀX invertible
    )
