"""format_value prints a rational exactly as sympy.latex prints the same Rational (its fast path)."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from checker.engine.instantiate import format_value

VALUES = [Fraction(0), Fraction(7), Fraction(-7), Fraction(5, 3), Fraction(-5, 3), Fraction(1, 81),
          Fraction(-(10**40) - 1, 9), Fraction(10**30, 7)]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_rational_as_sympy_prints_it(value: Fraction) -> None:
    assert format_value(value) == sympy.latex(sympy.Rational(value.numerator, value.denominator))
