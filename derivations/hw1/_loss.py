"""hw1's least-squares loss, shared by its derivations: J(w) = (1/2n)‖Xw − t‖² and its gradient."""

from __future__ import annotations

from typing import Any

import sympy

from checker.derivation import MatrixEquation, Step

__all__ = ["gradient_steps"]


def gradient_steps(s: dict[str, Any]) -> tuple[Step, Step]:
    """The two steps every least-squares derivation starts with: J(w), then ∇J(w) (steps 1, 2)."""
    n, d, X, w, t = s["n"], s["d"], s["X"], s["w"], s["t"]
    loss = sympy.MatrixSymbol("J(w)", 1, 1)
    grad = sympy.MatrixSymbol(r"\nabla_{w} J", d, 1)
    residual = X * w - t
    return (
        Step(MatrixEquation(loss, residual.T * residual / (2 * n)), "the loss (1/2n)‖Xw − t‖²", "definition"),
        Step(
            MatrixEquation(grad, X.T * residual / n),
            "differentiate: ∇ ½‖r‖² = Jᵣᵀ r with r = Xw − t, Jᵣ = X, and the factor 1/n",
            "derivative",
            ref=1,
            wrt=w,
        ),
    )
