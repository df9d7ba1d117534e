"""What a key says beyond "equivalent to the reference": a required form, and claims beside a formula.

* :func:`in_form`: whether an equivalent answer is in the key's required form
  (``[question.required]``);
* :func:`with_claims`: a math question's verdict with its claims (``[[question.parts]]`` with a
  ``share`` each) read from the question's text by the short-answer reader
  (:func:`checker.judge.choice.decide_part`), each part scored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy

from checker.judge.choice import decide_part
from checker.key import Question
from checker.verdict import QuestionVerdict

__all__ = ["in_form", "with_claims"]


def in_form(candidate: Any, forms: tuple[Any, ...]) -> bool:
    """Whether an answer's value is in one of the required forms (parsed).

    In the form: structurally one of them after the parser's canonicalization, or, when the
    forms invert matrices, inverting matrices of the same shapes as one of them does (the n×n
    inverse of Xᵀ(XXᵀ)⁻¹t, not the d×d one of (XᵀX)⁻¹Xᵀt).

    >>> import sympy
    >>> n, d = sympy.symbols("n d", integer=True, positive=True)
    >>> X, t = sympy.MatrixSymbol("X", n, d), sympy.MatrixSymbol("t", n, 1)
    >>> in_form((X.T * X).I * X.T * t, (X.T * (X * X.T).I * t,))
    False
    """
    if any(candidate == form for form in forms):
        return True
    shapes = _inverse_shapes(candidate)
    return any((sig := _inverse_shapes(form)) and sig == shapes for form in forms)


def _inverse_shapes(expr: Any) -> list[str]:
    """The shapes of the matrices ``expr`` inverts, sorted (a multiset)."""
    found: list[str] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Inverse) or (
            isinstance(node, sympy.MatPow) and getattr(node.exp, "is_negative", False)
        ):
            found.append(str(node.shape))
    return sorted(found)


def with_claims(question: Question, formula: QuestionVerdict, text: str) -> QuestionVerdict:
    """A math question's verdict with its claims read from ``text`` (see the module docstring).

    Args:
        question: a math question with claims (``parts`` with a share each).
        formula: the verdict on its formula.
        text: where the claims are read (the question's whole text in the submission).

    Returns:
        The combined verdict: score ``points × ((1 − Σ share) × formula credit + Σ share × right)``;
        an ``unparsed``, ``missing`` or ``error`` formula keeps its verdict and 0 points.

    >>> from checker.judge.answer import judge
    >>> from checker.key import load_key
    >>> q = load_key().question("1.2.3")
    >>> formula = judge(replace(q, parts=()), r"\\frac{x (X^T X + 2 n \\lambda)}{X^T t}")
    >>> claimed = with_claims(q, formula, "so weight decay makes the model less robust")
    >>> claimed.verdict, claimed.score, claimed.answer_note
    ('incorrect', 0.75, 'wrong_claim')
    """
    if formula.verdict in ("unparsed", "missing", "error"):
        return formula
    decisions = [(part, decide_part(question, part, text)) for part in question.claims]
    rest = 1.0 - sum(part.share or 0.0 for part, _ in decisions)
    credit = formula.score / question.points if question.points else 0.0
    share = rest * credit + sum((part.share or 0.0) for part, d in decisions if d.right)
    undecided = [d for _, d in decisions if d.chosen is None]
    wrong = [d for _, d in decisions if d.chosen is not None and not d.right]
    feedback = [formula.feedback] if formula.answer_note != "correct" else []
    feedback += [
        f"For '{d.part}' your answer reads as '{d.chosen}'; the expected answer is '{d.expected}'."
        for d in wrong
    ]
    feedback += [
        f"The checker could not tell your answer to '{d.part}' ({d.reason}); a TA will review it."
        for d in undecided
    ]
    # The note stays the formula's (a mistake's tag, follow_through) unless the formula was right.
    formula_right = formula.answer_note == "correct"
    if formula.verdict == "correct" and not wrong and not undecided:
        label, note = "correct", formula.answer_note
    elif formula.verdict == "needs_review" or undecided:
        label, note = "needs_review", "undecided_claim" if formula_right else formula.answer_note
    else:
        label, note = "incorrect", "wrong_claim" if formula_right else formula.answer_note
    claims = "; ".join(f"{d.part}: {d.chosen or '?'}" for _, d in decisions)
    evidence = "; ".join(f"{d.part}: {d.reason}" for _, d in decisions)
    return replace(
        formula,
        verdict=label,  # type: ignore[arg-type]
        score=round(question.points * share, 6),
        feedback=" ".join(feedback) or "Correct.",
        answer_note=note,
        read_as=f"{formula.read_as}; {claims}" if formula.read_as else claims,
        evidence=f"{formula.evidence}; {evidence}" if formula.evidence else evidence,
    )
