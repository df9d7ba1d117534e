"""2.1: one gradient-descent step on J is w_{k+1} = w_k − (η/n) Xᵀ(Xw_k − t)."""

from __future__ import annotations

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

from ._loss import gradient_steps

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: loss, gradient at w_k, the update rule, the update in closed form."""
    s = symbols_of(key, "2.1")
    n, d, X, w, t, eta, w_next = s["n"], s["d"], s["X"], s["w"], s["t"], s["eta"], s["w_next"]
    loss, grad = gradient_steps(s)
    steps = (
        loss,
        grad,
        Step(
            MatrixEquation(w_next, w - eta * grad.claim.lhs),
            "gradient descent: w_{k+1} = w_k − η ∇J(w_k)",
            "definition",
        ),
        Step(
            MatrixEquation(w_next, w - eta * X.T * (X * w - t) / n),
            "substitute the gradient",
            "equivalent",
        ),
    )
    return Derivation(
        name="q2_1",
        question="2.1",
        title="A gradient-descent step: w_{k+1} = w_k − (η/n) Xᵀ(Xw_k − t)",
        symbols=(X, w, t, eta, w_next),
        steps=steps,
        latex_names=latex_names(key, "2.1"),
        dimensions=(n, d),
        concrete=((3, 2), (2, 3), (1, 1)),
    )
