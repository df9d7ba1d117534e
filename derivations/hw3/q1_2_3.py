"""1.2.3: FGM in 1-D: ε = x(XᵀX + 2nλ)/(Xᵀt) zeroes the logit and grows with λ."""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.derivation import Derivation, Step, latex_names, symbols_of
from checker.key import Key

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: w* in 1-D, the FGM attack, solve f(x'; w*) = 0 for ε, then ∂ε/∂λ > 0."""
    s = symbols_of(key, "1.2.3")
    n = s["n"]
    X, t, x, w, eps, lam, x_adv = s["X"], s["t"], s["x"], s["w"], s["epsilon"], s["lambda"], s["x_adv"]
    # The 1×1 products as scalars, kept unevaluated (as the LaTeX parser reads them) so they
    # print as XᵀX and Xᵀt; the prover expands them where it needs to.
    XtX = MatrixElement(X.T * X, 0, 0)
    Xtt = MatrixElement(X.T * t, 0, 0)
    f = sympy.Symbol("f(x; w^{*})", real=True)
    grad = sympy.Symbol(r"\nabla_{x} f", real=True)
    slope = sympy.Symbol(r"\frac{\partial \epsilon}{\partial \lambda}", real=True)
    steps = (
        Step(sympy.Gt(x * Xtt, 0), "assume x·Xᵀt > 0 (x and w* share a sign, so wᵀx > 0)", "given"),
        Step(
            sympy.Eq(w, Xtt / (XtX + 2 * n * lam)),
            "the ridge solution of 1.2.2 at d = 1 (the 1×1 inverse is a division)",
            "definition",
        ),
        Step(sympy.Eq(f, w * x), "the linear model in 1-D: f(x; w*) = w* x", "definition"),
        Step(sympy.Eq(grad, w), "differentiate w* x with respect to x", "derivative", ref=3, wrt=x),
        Step(sympy.Eq(x_adv, x - eps * grad), "the FGM attack x' = x − ε∇ₓf", "definition"),
        Step(sympy.Eq(w * x_adv, 0), "require the attacked logit f(x'; w*) = w* x' to vanish", "given"),
        Step(sympy.Eq(w * x - eps * w**2, 0), "substitute x' = x − εw* and expand", "equivalent"),
        Step(
            sympy.Eq(eps, x / w),
            "solve for ε (w* ≠ 0 because x·Xᵀt > 0)",
            "implies",
            solve_for=eps,
            using=(1,),
        ),
        Step(
            sympy.Eq(eps, x * (XtX + 2 * n * lam) / Xtt),
            "substitute w* = Xᵀt/(XᵀX + 2nλ)",
            "equivalent",
        ),
        Step(sympy.Eq(slope, 2 * n * x / Xtt), "differentiate with respect to λ", "derivative", wrt=lam),
        Step(
            sympy.Gt(slope, 0),
            "positive since x·Xᵀt > 0: larger λ needs a larger ε, so weight decay makes the model more robust",
            "positive",
            using=(1,),
        ),
    )
    return Derivation(
        name="q1_2_3",
        question="1.2.3",
        title="FGM in 1-D: ε = x(XᵀX + 2nλ)/(Xᵀt), increasing in λ",
        symbols=(X, t, x, w, eps, lam, x_adv),
        steps=steps,
        latex_names=latex_names(key, "1.2.3"),
        dimensions=(n,),
        concrete=((3,), (2,), (1,)),
        answer_step=9,
    )
