"""1.3: when d > n, the minimum-norm solution of Xw = t is w = Xᵀ(XXᵀ)⁻¹t.

Minimize ½‖w‖² subject to Xw = t.  With the multiplier μ = (XXᵀ)⁻¹t (XXᵀ is invertible when
X has full row rank, possible only for d ≥ n), the Lagrangian ½wᵀw + μᵀ(t − Xw) is stationary at
w = Xᵀμ, and that w satisfies the constraint: the KKT conditions of a convex problem, so it is
the minimizer.
"""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: the multiplier, the Lagrangian, stationarity, the solution, feasibility."""
    s = symbols_of(key, "1.3")
    n, d, X, w, t = s["n"], s["d"], s["X"], s["w"], s["t"]
    mu = sympy.MatrixSymbol(r"\mu", n, 1)
    lagrangian = sympy.MatrixSymbol(r"\mathcal{L}(w)", 1, 1)
    residual = sympy.MatrixSymbol("r", n, 1)
    gram = X * X.T
    answer = X.T * gram.I * t
    steps = (
        Step(
            MatrixEquation(mu, gram.I * t),
            "the multiplier μ = (XXᵀ)⁻¹t (XXᵀ is n×n and invertible when X has full row rank, d > n)",
            "definition",
        ),
        Step(
            MatrixEquation(lagrangian, (w.T * w) / 2 + mu.T * (t - X * w)),
            "the Lagrangian of min ½‖w‖² subject to Xw = t",
            "definition",
        ),
        Step(
            MatrixEquation(w - X.T * mu, 0),
            "stationary in w: ∇_w 𝓛 = w − Xᵀμ = 0",
            "stationary",
            ref=2,
            wrt=w,
        ),
        Step(MatrixEquation(w, answer), "so w = Xᵀμ = Xᵀ(XXᵀ)⁻¹t", "equivalent"),
        Step(MatrixEquation(residual, X * answer - t), "its constraint residual Xw − t", "definition"),
        Step(
            MatrixEquation(residual, sympy.ZeroMatrix(n, 1)),
            "XXᵀ(XXᵀ)⁻¹ = I: the constraint holds, so w satisfies the KKT conditions of a convex problem",
            "equivalent",
        ),
    )
    return Derivation(
        name="q1_3",
        question="1.3",
        title="The minimum-norm solution when d > n: w = Xᵀ(XXᵀ)⁻¹t",
        symbols=(X, w, t, mu),
        steps=steps,
        latex_names=latex_names(key, "1.3"),
        dimensions=(n, d),
        concrete=((1, 2), (2, 3), (2, 5)),  # d > n: XXᵀ invertible
        answer_step=4,
    )
