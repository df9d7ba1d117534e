"""1.1.2: the logit of a linear model under the FGM attack, f(x'; w) = wᵀx − ε‖w‖²."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

from ._symbols import dims

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: f = wᵀx, ∇ₓf = w, x' = x − ε∇ₓf, f(x') = wᵀx − ε wᵀw."""
    s = symbols_of(key, "1.1.2")
    n, d = dims(s)
    x, w, eps, x_adv = s["x"], s["w"], s["epsilon"], s["x_adv"]
    f = sympy.MatrixSymbol("f(x; w)", 1, 1)
    grad = sympy.MatrixSymbol(r"\nabla_{x} f", d, 1)
    f_adv = sympy.MatrixSymbol(r"f(x^{\prime}; w)", 1, 1)
    steps = (
        Step(MatrixEquation(f, w.T * x), "the linear model f(x; w) = wᵀx", "definition"),
        Step(MatrixEquation(grad, w), "differentiate wᵀx with respect to x", "derivative", ref=1, wrt=x),
        Step(MatrixEquation(x_adv, x - eps * grad), "the FGM attack x' = x − ε∇ₓf", "definition"),
        Step(MatrixEquation(f_adv, w.T * x_adv), "evaluate the model at x'", "definition"),
        Step(
            MatrixEquation(f_adv, w.T * x - eps * (w.T * w)),
            "substitute x' = x − εw and distribute wᵀ: wᵀx − ε wᵀw = wᵀx − ε‖w‖²",
            "equivalent",
        ),
    )
    return Derivation(
        name="q1_1_2",
        question="1.1.2",
        title="FGM attack on a linear model: f(x'; w) = wᵀx − ε‖w‖²",
        symbols=(x, w, eps, x_adv),
        steps=steps,
        latex_names=latex_names(key, "1.1.2"),
        dimensions=(n, d),
        concrete=((3, 2), (2, 3), (1, 1)),
    )
