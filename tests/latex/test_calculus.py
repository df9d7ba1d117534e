"""Derivatives in answers: evaluated for declared symbols, or refused; never a fraction or a product."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checker.engine import compare
from checker.errors import CheckerError
from checker.judge.answer import judge
from checker.key import Question, load_key
from checker.latex import parse
from checker.table import FunctionSpec


def question(qid: str) -> Question:
    return load_key().question(qid)


# (id, question, derivative as written, its value written out, operator recorded)
EVALUATED = [
    ("leibniz-scalar", "3.2", r"\frac{d}{dp} \left(p^2 + \sigma p\right)", r"2p + \sigma", "derivative"),
    ("leibniz-operand-in-numerator", "3.2", r"\frac{d p^3}{d p}", r"3 p^2", "derivative"),
    ("upright-d", "3.2", r"\frac{\mathrm{d}}{\mathrm{d}p} \sqrt{p}", r"\frac{1}{2\sqrt{p}}", "derivative"),
    ("partial-scalar", "3.2", r"\frac{\partial \sigma^2}{\partial \sigma}", r"2\sigma", "derivative"),
    ("operator-binds-the-product-only", "3.2", r"\frac{d}{dp} p^2 + 1", r"2p + 1", "derivative"),
    ("group-keeps-what-follows-out", "3.2", r"\frac{d p^2}{dp} \sigma", r"2 p \sigma", "derivative"),
    ("nabla-linear", "1.1.2", r"\nabla_w (w^T x)", "x", "gradient"),
    ("partial-vector", "1.1.2", r"\frac{\partial}{\partial x} w^T x", "w", "gradient"),
    ("declared-function", "1.1.2", r"\frac{\partial f(x; w)}{\partial x}", "w", "gradient"),
    ("chain-rule-through-1x1", "1.1.2", r"\nabla_w (w^T x)^2", r"2 (w^T x) x", "gradient"),
    ("sum-of-1x1-scalars", "1.1.2", r"\nabla_w \left(w^T x + \|w\|^2\right)", r"x + 2w", "gradient"),
    (
        "ridge-objective",
        "1.2.2",
        r"\nabla_w \left(\frac{1}{2n}\|Xw - t\|^2 + \lambda \|w\|^2\right)",
        r"\frac{1}{n} X^T (X w - t) + 2 \lambda w",
        "gradient",
    ),
    ("definition-substituted", "1.1.2", r"\nabla_x f(x'; w)", "w", "gradient"),
]


@pytest.mark.parametrize(
    ("qid", "latex", "value", "operator"), [c[1:] for c in EVALUATED], ids=[c[0] for c in EVALUATED]
)
def test_derivative_is_evaluated(qid: str, latex: str, value: str, operator: str) -> None:
    table = question(qid).symbols
    parsed = parse(latex, table)
    assert operator in parsed.applied()
    outcome = compare(parse(value, table).expr, parsed.expr, table).outcome
    assert outcome == "equivalent", (parsed.read_as, value)


REFUSED = [
    ("second-derivative", "3.2", r"\frac{d^2}{dp^2} p^3"),
    ("dimension-variable", "3.2", r"\frac{d}{dn} p"),
    ("undeclared-variable", "3.2", r"\frac{d}{dz} p"),
    ("entry-of-the-variable", "1.1.2", r"\nabla_w w_1"),
    ("gradient-through-index-notation", "3.1", r"\frac{\partial J}{\partial w}"),
    ("prime-of-two-parameter-function", "1.1.2", r"f'(x)"),
    ("bare-partial", "3.2", r"\partial p"),
]


@pytest.mark.parametrize(("qid", "latex"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_derivative_that_cannot_be_evaluated_is_refused(qid: str, latex: str) -> None:
    with pytest.raises(CheckerError):
        parse(latex, question(qid).symbols)


FRACTIONS = [
    ("d-over-number", r"\frac{d}{2}", "d/2"),
    ("d-over-sum", r"\frac{d}{d+1}", "d/(d + 1)"),
    ("d-plus-over-dp", r"\frac{d+1}{dp}", "(d + 1)/(d*p)"),
]


@pytest.mark.parametrize(("latex", "text"), [c[1:] for c in FRACTIONS], ids=[c[0] for c in FRACTIONS])
def test_a_fraction_that_is_not_leibniz_stays_a_fraction(latex: str, text: str) -> None:
    parsed = parse(latex, question("1.1.2").symbols)
    assert str(parsed.expr) == text
    assert not parsed.applied()


def test_leibniz_with_d_a_key_symbol_is_never_a_fraction() -> None:
    """Regression: hw3 declares d; this was read as (d / (d p)) (...) = the reference, graded correct."""
    q = question("3.2")
    answer = r"\sigma = \frac{d}{dp}\left(p\sqrt{\frac{1-p}{p}}\right)"
    assert "derivative" in parse(answer, q.symbols).applied()
    assert judge(q, answer).verdict != "correct"


def test_prime_of_a_one_parameter_function() -> None:
    table = question("3.2").symbols
    g = FunctionSpec("g", ("p",), r"p^3 + \sigma p")
    table = replace(table, functions=(*table.functions, g))
    parsed = parse(r"g'(2)", table)
    assert "derivative" in parsed.applied()
    assert compare(parse(r"12 + \sigma", table).expr, parsed.expr, table).outcome == "equivalent"
