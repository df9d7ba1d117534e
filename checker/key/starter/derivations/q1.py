"""Question 1: the gradient of the least-squares loss L(w) = ½‖Xw − t‖² is Xᵀ(Xw − t).

A derivation module defines ``derivation(key) -> Derivation``.  It receives the loaded key, so
its symbols are the key's (``symbols_of(key, question_id)``): the derivation and the LaTeX parser
mean the same thing by ``X`` and ``w``.  Every step names the rule the prover checks it by
(``definition``, ``derivative``, ``equivalent``, ``implies``, ``stationary``...; see
``checker/derivation/chain.py``).  ``derivcheck verify --key DIR`` proves each step, and checks
that the key's reference equals the answer step and that each known mistake differs from it.
"""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, MatrixEquation, Step, latex_names, symbols_of
from checker.key import Key

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: the loss, its gradient by matrix calculus, the gradient distributed."""
    s = symbols_of(key, "1")
    n, d = s["n"], s["d"]
    X, w, t = s["X"], s["w"], s["t"]
    loss = sympy.MatrixSymbol("L(w)", 1, 1)  # a named 1×1 value a later step can refer to
    grad = sympy.MatrixSymbol(r"\nabla_{w} L", d, 1)
    residual = X * w - t
    steps = (
        Step(MatrixEquation(loss, residual.T * residual / 2), "the loss ½‖Xw − t‖²", "definition"),
        Step(
            MatrixEquation(grad, X.T * residual),
            "differentiate with respect to w (chain rule: ∇ ½‖r‖² = Jᵀr with J = X)",
            "derivative",
            ref=1,
            wrt=w,
        ),
        Step(MatrixEquation(grad, X.T * X * w - X.T * t), "distribute Xᵀ", "equivalent"),
    )
    return Derivation(
        name="q1",  # the module's name
        question="1",  # the key's question id this derivation backs
        title="The least-squares gradient: Xᵀ(Xw − t)",
        symbols=(X, w, t),
        steps=steps,
        latex_names=latex_names(key, "1"),
        dimensions=(n, d),
        concrete=((3, 2), (2, 3), (1, 1)),  # tried when a step cannot be proved at general n, d
        answer_step=2,  # the step whose value is the answer (default: the last)
    )
