"""3.1: the expected dropout loss is the plain loss plus a (1−p)/p-weighted L2 penalty."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, Step
from checker.key import Key

from ._dropout import dropout_symbols

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: per-example mean and variance, E_m[J] by bias–variance, the coefficient."""
    s = dropout_symbols(key, "3.1")
    p, d, N, i, j, w, x, t, m = s.p, s.d, s.N, s.i, s.j, s.w, s.X, s.t, s.m
    y_m = sympy.Symbol(r"\hat{y}^{(i)}_m", real=True)
    y = sympy.Symbol("y^{(i)}", real=True)
    mean = sympy.Symbol(r"\mathbb{E}_m[\hat{y}^{(i)}_m]", real=True)
    var = sympy.Symbol(r"\operatorname{Var}_m[\hat{y}^{(i)}_m]", real=True)
    loss = sympy.Symbol("J_m", real=True)
    expected = sympy.Symbol(r"\mathbb{E}_m[J_m]", real=True)
    coefficient = sympy.Symbol("c", real=True)
    x_ij = x[i, j]  # the key's X_{ij}, written x_j^{(i)} in the homework
    prediction = sympy.Sum(w[j] * x_ij, (j, 1, d))
    penalty = sympy.Sum(sympy.Sum((w[j] * x_ij) ** 2, (j, 1, d)), (i, 1, N)) / (2 * N)
    steps = (
        Step(
            sympy.Eq(y_m, sympy.Sum(m[i, j] * w[j] * x_ij, (j, 1, d)) / p),
            "inverted dropout on example i, masks m_j^{(i)} ~ Bernoulli(p) i.i.d.",
            "definition",
        ),
        Step(sympy.Eq(y, prediction), "the prediction without dropout", "definition"),
        Step(sympy.Eq(mean, y), "linearity of E, E[m_j] = p", "expectation", ref=1),
        Step(
            sympy.Eq(var, (1 - p) / p * sympy.Sum((w[j] * x_ij) ** 2, (j, 1, d))),
            "independent masks: Var = Σ_j (w_j x_j)²/p² · p(1−p)",
            "variance",
            ref=1,
        ),
        Step(
            sympy.Eq(loss, sympy.Sum((y_m - t[i]) ** 2, (i, 1, N)) / (2 * N)),
            "the loss with dropout, J = (1/2N) Σ_i (ŷ_m^{(i)} − t^{(i)})²",
            "definition",
        ),
        Step(
            # The answer, written in the key's symbols (y^{(i)} spelled out), so it is the key's reference.
            sympy.Eq(
                expected, sympy.Sum((prediction - t[i]) ** 2, (i, 1, N)) / (2 * N) + (1 - p) / p * penalty
            ),
            "linearity over examples; bias–variance per example: E[(ŷ − t)²] = (E[ŷ] − t)² + Var[ŷ]",
            "expectation",
        ),
        Step(
            sympy.Eq(coefficient, (1 - p) / p),
            "read off the weight of the penalty (1/2N) Σ_i Σ_j (w_j x_j^{(i)})²",
            "coefficient",
            of=penalty,
        ),
    )
    return Derivation(
        name="q3_1",
        question="3.1",
        title="Expected dropout loss: E_m[J] = plain loss + (1/2N)((1−p)/p) Σ_i Σ_j (w_j x_j^{(i)})²",
        symbols=(p, i, j, w, x, t, m),
        steps=steps,
        dimensions=(N, d),
        concrete=((2, 2), (1, 3), (3, 1)),
        noise=s.noise[:1],  # the masks only
        answer_step=6,  # the expected loss; step 7 reads off its penalty's weight
    )
