"""1.1: the gradient of J(w) = (1/2n)‖Xw − t‖² is (1/n) Xᵀ(Xw − t)."""

from __future__ import annotations

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

from ._loss import gradient_steps

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: the loss, its gradient by matrix calculus, the gradient distributed."""
    s = symbols_of(key, "1.1")
    n, d, X, w, t = s["n"], s["d"], s["X"], s["w"], s["t"]
    loss, grad = gradient_steps(s)
    steps = (
        loss,
        grad,
        Step(MatrixEquation(grad.claim.lhs, (X.T * X * w - X.T * t) / n), "distribute Xᵀ", "equivalent"),
    )
    return Derivation(
        name="q1_1",
        question="1.1",
        title="The least-squares gradient: (1/n) Xᵀ(Xw − t)",
        symbols=(X, w, t),
        steps=steps,
        latex_names=latex_names(key, "1.1"),
        dimensions=(n, d),
        concrete=((3, 2), (2, 3), (1, 1)),
        answer_step=2,
    )
