"""3.2: Gaussian noise matches inverted dropout when σ² = (1−p)/p, so σ = √((1−p)/p)."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, Step
from checker.key import Key

from ._dropout import dropout_symbols

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: both models, their means and variances from the distributions, match, solve."""
    s = dropout_symbols(key, "3.2")
    p, sigma, d, j, w, x, m, pi = s.p, s.sigma, s.d, s.j, s.w, s.x, s.m, s.pi
    y_m = sympy.Symbol(r"\hat{y}_m", real=True)
    y_pi = sympy.Symbol(r"\hat{y}_{\pi}", real=True)
    mean_m = sympy.Symbol(r"\mathbb{E}_m[\hat{y}_m]", real=True)
    mean_pi = sympy.Symbol(r"\mathbb{E}_{\pi}[\hat{y}_{\pi}]", real=True)
    var_m = sympy.Symbol(r"\operatorname{Var}_m[\hat{y}_m]", real=True)
    var_pi = sympy.Symbol(r"\operatorname{Var}_{\pi}[\hat{y}_{\pi}]", real=True)
    signal = sympy.Sum((w[j] * x[j]) ** 2, (j, 1, d))
    steps = (
        Step(
            sympy.Eq(y_m, sympy.Sum(m[j] * w[j] * x[j], (j, 1, d)) / p),
            "inverted dropout on the inputs",
            "definition",
        ),
        Step(
            sympy.Eq(y_pi, sympy.Sum((1 + pi[j]) * w[j] * x[j], (j, 1, d))),
            "Gaussian noise on the inputs",
            "definition",
        ),
        Step(
            sympy.Eq(mean_m, sympy.Sum(w[j] * x[j], (j, 1, d))),
            "linearity of E, E[m_j] = p",
            "expectation",
            ref=1,
        ),
        Step(
            sympy.Eq(mean_pi, sympy.Sum(w[j] * x[j], (j, 1, d))),
            "linearity of E, E[π_j] = 0",
            "expectation",
            ref=2,
        ),
        Step(sympy.Eq(mean_pi, mean_m), "the two models have the same mean", "equivalent"),
        Step(
            sympy.Eq(var_m, (1 - p) / p * signal),
            "independent masks: Var = Σ (w_j x_j)²/p² · p(1−p)",
            "variance",
            ref=1,
        ),
        Step(
            sympy.Eq(var_pi, sigma**2 * signal), "independent noise: Var = Σ (w_j x_j)² σ²", "variance", ref=2
        ),
        Step(sympy.Gt(signal, 0), "assume the input carries signal: Σ (w_j x_j)² > 0", "given"),
        Step(
            sympy.Eq(var_pi, var_m),
            "equal means, so by bias–variance the expected losses match iff the variances match",
            "given",
        ),
        Step(
            sympy.Eq(sigma**2, (1 - p) / p),
            "substitute the variances and divide by Σ (w_j x_j)² > 0",
            "equivalent",
            by=1 / signal,
            using=(8,),
        ),
        Step(
            sympy.Eq(sigma, sympy.sqrt((1 - p) / p)),
            "take the positive root (σ > 0)",
            "implies",
            solve_for=sigma,
        ),
    )
    return Derivation(
        name="q3_2",
        question="3.2",
        title="Dropout as Gaussian noise: σ = √((1−p)/p)",
        symbols=(p, sigma, j, w, x, m, pi),
        steps=steps,
        dimensions=(d,),
        concrete=((1,), (2,), (3,)),
        noise=s.noise,
    )
