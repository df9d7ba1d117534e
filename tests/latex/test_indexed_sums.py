"""Index notation: a sum's summand keeps its dependence on the index; entries read by the key."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from checker.engine import compare
from checker.key import Question, load_key
from checker.latex import parse


def question(qid: str) -> Question:
    return load_key().question(qid)


@pytest.mark.parametrize(
    ("latex", "value"),
    [
        (r"\sum_{k=1}^{10} k^2", 385),
        (r"\sum_{k=1}^{4} k", 10),
        (r"\prod_{k=1}^{4} k", 24),
        (r"\sum_{k=1}^{3} \sum_{l=1}^{k} l", 10),
    ],
    ids=["squares-385", "triangular", "factorial", "nested-dependent"],
)
def test_sum_of_an_index_dependent_summand_is_not_count_times_summand(latex: str, value: int) -> None:
    expr = parse(latex, question("1.1.2").symbols).expr
    assert sympy.Integer(value) == expr.doit()


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=3))
def test_sum_equals_its_explicit_expansion(upper: int, power: int) -> None:
    table = question("1.1.2").symbols
    summed = parse(rf"\sum_{{k=1}}^{{{upper}}} k^{{{power}}}", table).expr
    explicit = " + ".join(f"{k}^{{{power}}}" for k in range(1, upper + 1))
    assert summed.doit() == parse(explicit, table).expr


@pytest.mark.parametrize(
    ("qid", "reference", "candidate", "outcome"),
    [
        ("1.2.3", r"X^T t", r"\sum_{i=1}^{n} x_i t_i", "equivalent"),
        ("1.2.3", r"X^T t", r"\sum_{i=1}^{n} x_i t_i^2", "not_equivalent"),
        ("1.1.2", r"w^T x", r"\sum_j w_j x_j", "equivalent"),
        ("1.1.2", r"w^T x", r"\sum_{i=0}^{d-1} w_i x_i", "equivalent"),
        (
            "3.1",
            r"\frac{1}{2N}\sum_{i}\sum_{j}(w_j x_j^{(i)})^2",
            r"\frac{1}{2N} \sum_{i=1}^{N} \sum_{j=1}^{d} X_{ij}^2 w_j^2",
            "equivalent",
        ),
        ("3.1", r"\sum_{i}\sum_{j}(w_j x_j^{(i)})^2", r"\sum_{i}\sum_{j} w_j x_j^{(i)}", "not_equivalent"),
    ],
    ids=["xt-1d", "xt-1d-wrong", "dot", "zero-based", "frobenius", "frobenius-wrong"],
)
def test_indexed_answers_are_judged_by_instantiation(
    qid: str, reference: str, candidate: str, outcome: str
) -> None:
    table = question(qid).symbols
    verdict = compare(parse(reference, table).expr, parse(candidate, table).expr, table)
    assert verdict.outcome == outcome


def test_expectation_of_bernoulli_masks_matches_enumeration() -> None:
    from checker.engine.moments import raw_moment

    p = Fraction(1, 3)
    masks = [(0, 1 - p), (1, p)]
    for k in range(1, 5):
        assert raw_moment("bernoulli", {"p": sympy.Rational(1, 3)}, k) == sum(q * v**k for v, q in masks)
