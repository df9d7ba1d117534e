"""Exact square roots of rationals: canonical sums Σ c·√m over square-free m (hypothesis)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.engine.quadratic import Quad, q_add, q_inverse, q_mul, q_neg, q_sign, q_to_sympy, sqrt_rational

RATIONALS = st.fractions(min_value=0, max_value=50, max_denominator=30)
NONZERO = RATIONALS.filter(lambda r: r != 0)


def _sum(values: list[Fraction]) -> Fraction | Quad:
    out: Fraction | Quad = Fraction(0)
    for v in values:
        out = q_add(out, sqrt_rational(v))
    return out


@given(RATIONALS, RATIONALS)
def test_product_of_roots_is_root_of_product(a: Fraction, b: Fraction) -> None:
    assert q_mul(sqrt_rational(a), sqrt_rational(b)) == sqrt_rational(a * b)


@given(RATIONALS)
def test_square_of_root(a: Fraction) -> None:
    r = sqrt_rational(a)
    assert q_mul(r, r) == a


@given(st.lists(NONZERO, min_size=1, max_size=4), st.lists(RATIONALS, max_size=3))
def test_inverse(positive: list[Fraction], signed: list[Fraction]) -> None:
    x = q_add(_sum(positive), q_neg(_sum(signed)))
    if x == Fraction(0):
        return
    assert q_mul(x, q_inverse(x)) == Fraction(1)


@given(st.lists(RATIONALS, max_size=4), st.lists(RATIONALS, max_size=4))
def test_sign_and_canonical_zero(plus: list[Fraction], minus: list[Fraction]) -> None:
    x = q_add(_sum(plus), q_neg(_sum(minus)))
    approx = sum(math.sqrt(v) for v in plus) - sum(math.sqrt(v) for v in minus)
    if x == Fraction(0):
        assert abs(approx) < 1e-9
    elif abs(approx) > 1e-9:
        assert q_sign(x) == (1 if approx > 0 else -1)
    assert abs(float(q_to_sympy(x)) - approx) < 1e-6


CASES = [
    ("four_thirds", Fraction(4, 3), Quad(((3, Fraction(2, 3)),))),
    ("perfect_square", Fraction(9, 4), Fraction(3, 2)),
    ("zero", Fraction(0), Fraction(0)),
    ("square_factor", Fraction(12), Quad(((3, Fraction(2)),))),
]


@pytest.mark.parametrize(("r", "root"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sqrt_rational(r: Fraction, root: Fraction | Quad) -> None:
    assert sqrt_rational(r) == root


def test_sqrt2_plus_sqrt3_is_independent_of_sqrt6() -> None:
    x = q_add(sqrt_rational(Fraction(2)), sqrt_rational(Fraction(3)))
    assert q_mul(x, x) == q_add(Fraction(5), q_mul(Fraction(2), sqrt_rational(Fraction(6))))
