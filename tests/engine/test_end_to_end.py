"""The cascade through the LaTeX front end, driven by the bundled key itself.

For every graded math question: the reference is equivalent to every accepted form and to itself,
and not equivalent to any known mistake (the key's own data, so a key edit is checked too).
"""

from __future__ import annotations

import pytest
import sympy

from checker import latex
from checker.config import EquivalenceConfig
from checker.engine.cascade import compare
from checker.engine.symbolic import solve_for
from checker.errors import ShapeError
from checker.key import Question, load_key, mistake_reading

KEY = load_key(validate_latex=False)
MATH = [q for q in KEY.questions if q.kind != "choice"]


def _read(q: Question, text: str) -> sympy.Basic:
    return latex.parse(text, q.symbols, options=q.options).expr


ACCEPTED = [(q, form) for q in MATH for form in (q.reference, *q.accepted)]
# Ill-typed mistakes (XX^T for X^T X) have no value to compare; the judge matches them untyped.
MISTAKES = [
    (q, m.answer, m.tag)
    for q in MATH
    for m in q.mistakes
    if mistake_reading(m.answer, q.symbols, q.options) is not None
]


@pytest.mark.parametrize(("q", "form"), ACCEPTED, ids=[f"{q.id}:{form}" for q, form in ACCEPTED])
def test_accepted_forms_are_equivalent(q: Question, form: str) -> None:
    result = compare(_read(q, q.reference), _read(q, form), q.symbols)
    assert result.outcome == "equivalent", result.evidence


@pytest.mark.parametrize(("q", "form", "tag"), MISTAKES, ids=[f"{q.id}:{tag}" for q, _, tag in MISTAKES])
def test_known_mistakes_are_refuted(q: Question, form: str, tag: str) -> None:
    result = compare(_read(q, q.reference), _read(q, form), q.symbols)
    assert result.outcome == "not_equivalent", (tag, result.evidence)
    assert result.method in {"shape", "random_instantiation"}


STUDENT = [
    ("1.1.2", r"w^T (x - \epsilon w)", "equivalent"),
    ("1.1.2", r"w^T x' ", "not_equivalent"),
    ("1.2.2", r"(X^T X + 2\lambda n I)^{-1} X^T t", "equivalent"),
    ("1.2.2", r"X^T (X X^T + 2 n \lambda I)^{-1} t", "equivalent"),
    ("1.2.2", r"(X X^T + 2 n \lambda I)^{-1} X t", None),
    ("1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X^T", "not_equivalent"),
    ("1.2.3", r"\frac{x (X^2 + 2\lambda n)}{X t}", "equivalent"),
    ("3.2", r"\sqrt{\frac{1-p}{p}}", "equivalent"),
    ("3.2", r"\frac{\sqrt{p(1-p)}}{p}", "equivalent"),
    ("3.2", r"\sqrt{\frac{p}{1-p}}", "not_equivalent"),
]


@pytest.mark.parametrize(("qid", "answer", "outcome"), STUDENT, ids=[f"{s[0]}:{s[1]}" for s in STUDENT])
def test_student_answers(qid: str, answer: str, outcome: str | None) -> None:
    q = KEY.question(qid)
    try:
        candidate = _read(q, answer)
    except ShapeError:  # ill-typed: the front end refuses it with the shapes named
        assert outcome is None
        return
    result = compare(_read(q, q.reference), candidate, q.symbols)
    assert result.outcome == (outcome or "not_equivalent"), result.evidence


def test_follow_through_with_definitions() -> None:
    q = KEY.question("1.2.3")
    defs = latex.definitions(q.symbols, q.options)
    result = compare(_read(q, q.reference), _read(q, r"\frac{x}{w^*}"), q.symbols, definitions=defs)
    assert result.outcome == "equivalent"


SOLVE = [
    (r"\sigma^2 = \frac{1-p}{p}", [r"\sqrt{\frac{1-p}{p}}"]),
    (r"\sigma = \frac{1-p}{p}", [r"\frac{1-p}{p}"]),
    (r"p \sigma^2 = 1 - p", [r"\sqrt{\frac{1-p}{p}}"]),
    (r"\sigma^2 = -1 - p", []),
]


@pytest.mark.parametrize(("equation", "expected"), SOLVE, ids=[s[0] for s in SOLVE])
def test_solve_for_sigma(equation: str, expected: list[str]) -> None:
    q = KEY.question("3.2")
    sides = latex.parse(equation, q.symbols, options=q.options).sides
    sigma = _read(q, r"\sigma")
    solutions = solve_for(sides, sigma, q.symbols, config=EquivalenceConfig())
    assert len(solutions) == len(expected)
    for got, want in zip(solutions, expected, strict=True):
        assert compare(_read(q, want), got, q.symbols).outcome == "equivalent"


def test_solve_for_gives_up_on_high_degree() -> None:
    q = KEY.question("3.2")
    sigma = _read(q, r"\sigma")
    assert solve_for([sigma**7 + sigma, sympy.Integer(1)], sigma, q.symbols) == ()
    assert solve_for([sympy.exp(sigma), sympy.Integer(2)], sigma, q.symbols) == ()


def test_solve_for_epsilon_in_one_d() -> None:
    q = KEY.question("1.2.3")
    sides = latex.parse(r"w^* x - \epsilon (w^*)^2 = 0", q.symbols, options=q.options).sides
    eps = _read(q, r"\epsilon")
    defs = latex.definitions(q.symbols, q.options)
    sides = tuple(side.xreplace(defs) for side in sides)
    solutions = solve_for(sides, eps, q.symbols)
    assert len(solutions) == 1
    assert compare(_read(q, q.reference), solutions[0], q.symbols).outcome == "equivalent"
