"""format_value and format_plain print a rational, or one square root ``c·√m``, exactly as
sympy.latex and sympy.sstr print the same SymPy number (their fast paths); other radicals go to
SymPy."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.engine import exact
from checker.engine.instantiate import format_plain, format_value
from checker.engine.quadratic import Quad, q_add, sqrt_rational

VALUES = [Fraction(0), Fraction(7), Fraction(-7), Fraction(5, 3), Fraction(-5, 3), Fraction(1, 81),
          Fraction(-(10**40) - 1, 9), Fraction(10**30, 7)]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_rational_as_sympy_prints_it(value: Fraction) -> None:
    assert format_value(value) == sympy.latex(sympy.Rational(value.numerator, value.denominator))


_coefficients = st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6).filter(bool)
_radicands = st.integers(2, 10**4).filter(
    lambda m: sympy.factorint(m) and max(sympy.factorint(m).values()) == 1
)


@settings(max_examples=200, deadline=None)
@given(_coefficients, _radicands)
def test_one_square_root_as_sympy_prints_it(c: Fraction, m: int) -> None:
    value = Quad(((m, c),))
    as_sympy = exact.to_sympy(value)
    assert format_value(value) == sympy.latex(as_sympy)
    assert format_plain(value) == sympy.sstr(as_sympy)


@pytest.mark.parametrize(
    "value",
    [
        q_add(Fraction(1, 2), sqrt_rational(Fraction(2))),
        q_add(sqrt_rational(Fraction(2)), sqrt_rational(Fraction(3))),
    ],
    ids=["with a rational part", "two roots"],
)
def test_other_radicals_are_printed_by_sympy(value: Quad) -> None:
    as_sympy = exact.to_sympy(value)
    assert format_value(value) == sympy.latex(as_sympy)
    assert format_plain(value) == sympy.sstr(as_sympy)
