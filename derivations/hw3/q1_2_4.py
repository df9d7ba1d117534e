"""1.2.4: FGSM in 1-D: ε = x·sgn(w*) = |x|, independent of λ."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, Step, latex_names, symbols_of
from checker.key import Key

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: the FGSM attack, solve f(x'; w*) = 0 for ε, ε = |x|, ∂ε/∂λ = 0."""
    s = symbols_of(key, "1.2.4")
    x, w, eps, lam, x_adv = s["x"], s["w"], s["epsilon"], s["lambda"], s["x_adv"]
    f = sympy.Symbol("f(x; w^{*})", real=True)
    grad = sympy.Symbol(r"\nabla_{x} f", real=True)
    slope = sympy.Symbol(r"\frac{\partial \epsilon}{\partial \lambda}", real=True)
    steps = (
        Step(sympy.Gt(x * w, 0), "assume x and w* share a sign (w*x > 0)", "given"),
        Step(sympy.Eq(f, w * x), "the linear model in 1-D: f(x; w*) = w* x", "definition"),
        Step(sympy.Eq(grad, w), "differentiate w* x with respect to x", "derivative", wrt=x),
        Step(
            sympy.Eq(x_adv, x - eps * sympy.sign(grad)), "the FGSM attack x' = x − ε sgn(∇ₓf)", "definition"
        ),
        Step(sympy.Eq(w * x_adv, 0), "require the attacked logit f(x'; w*) = w* x' to vanish", "given"),
        Step(sympy.Eq(w * x - eps * w * sympy.sign(w), 0), "substitute x' and expand", "equivalent"),
        Step(
            sympy.Eq(eps, x * sympy.sign(w)),
            "solve for ε (w* ≠ 0, and 1/sgn(w*) = sgn(w*))",
            "implies",
            solve_for=eps,
        ),
        Step(
            sympy.Eq(eps, sympy.Abs(x)), "x and w* share a sign, so x·sgn(w*) = |x|", "equivalent", using=(1,)
        ),
        Step(
            sympy.Eq(slope, 0),
            "|x| does not depend on λ: weight decay does not make the model more robust to FGSM",
            "derivative",
            wrt=lam,
        ),
    )
    return Derivation(
        name="q1_2_4",
        question="1.2.4",
        title="FGSM in 1-D: ε = x·sgn(w*) = |x|, independent of λ",
        symbols=(x, w, eps, lam, x_adv),
        steps=steps,
        latex_names=latex_names(key, "1.2.4"),
        dimensions=(),
        concrete=((),),
        answer_step=7,
    )
