"""Bounded symbolic algebra (``checker.engine.symbolic``): radicands in lowest terms keep their value.

The symbolic stage reduces every radicand before its zero test, by SymPy's field of rational
functions or, where the field cannot take one, by ``cancel``.  Both must give the same rational
function in lowest terms, and the radicals built from them must keep their values.  A rational
expression in symbols is reduced by the field's own arithmetic, without ``sfield``'s expansion:
it must give exactly what ``sfield`` gives (the sign of a fraction included).
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sympy.polys.fields import sfield

from checker.engine import symbolic

p = sympy.Symbol("p", positive=True)
q = sympy.Symbol("q", real=True)
entry = sympy.Dummy("entry0", real=True)  # a matrix entry made a symbol (``atomized``)

_leaves = st.one_of(
    st.sampled_from([p, q, entry]),
    st.integers(-6, 6).map(sympy.Integer),
    st.tuples(st.integers(-6, 6), st.integers(1, 6)).map(lambda t: sympy.Rational(*t)),
)
_rational_expressions = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: sympy.Add(*xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: sympy.Mul(*xs)),
        st.tuples(inner, st.integers(-3, 3)).map(lambda t: sympy.Pow(*t)),
    ),
    max_leaves=8,
)


def _unevaluated_root(numerator: sympy.Expr, denominator: sympy.Expr) -> sympy.Pow:
    """``√(numerator / denominator)`` as the parser builds it: the quotient kept whole under the root."""
    quotient = sympy.Mul(numerator, sympy.Pow(denominator, -1, evaluate=False), evaluate=False)
    return sympy.Pow(quotient, sympy.Rational(1, 2), evaluate=False)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(7, 10_000),
    st.sampled_from([1 - p, p**2 + q**2 + 1, (1 - p) * (1 + p), p + 3]),
    st.sampled_from([p, p**2 + 1, 2 * p + 5]),
)
def test_a_radicand_is_put_in_lowest_terms_and_keeps_its_value(
    c: int, numerator: sympy.Expr, denominator: sympy.Expr
) -> None:
    root = _unevaluated_root(c * numerator, c * denominator)
    reduced = symbolic.radicands_cancelled(root + q)
    radicals = [a for a in reduced.atoms(sympy.Pow) if a.exp.is_Rational and not a.exp.is_Integer]
    assert radicals
    for radical in radicals:
        top, bottom = sympy.fraction(sympy.together(radical.base))
        assert sympy.gcd(top, bottom) == 1
        # the common factor c is gone (the radicands' own coefficients are at most 5)
        assert all(abs(k) <= 5 for k in radical.base.atoms(sympy.Integer))
    for value in (sympy.Rational(1, 3), sympy.Rational(2, 7)):
        at = {p: value, q: sympy.Rational(-5, 2)}
        assert abs((reduced.xreplace(at) - (root + q).xreplace(at)).evalf(60)) < 1e-50


def test_a_radicand_the_field_cannot_take_is_cancelled_as_before() -> None:
    zero_denominator = sympy.Mul(
        1, sympy.Pow(sympy.Add(p, -p, evaluate=False), -1, evaluate=False), evaluate=False
    )
    assert symbolic._lowest_terms(zero_denominator) == sympy.cancel(zero_denominator)


def test_an_expression_without_radicals_is_returned_as_it_is() -> None:
    expr = (1 - p) / p + q
    assert symbolic.radicands_cancelled(expr) is expr


@settings(max_examples=150, deadline=None)
@given(_rational_expressions)
@example(1 / (q - p))  # a negative power last: its denominator's sign is made canonical
@example(2 * (entry - p) ** -3 + 1)
def test_a_rational_expression_in_symbols_reduces_as_sfield_reduces_it(expr: sympy.Expr) -> None:
    try:
        _, expected = sfield(expr)
    except ZeroDivisionError:  # a denominator that is 0 as written
        assert symbolic._in_lowest_terms(expr) is None
        return
    reduced = symbolic._in_lowest_terms(expr)
    assert reduced == expected
    assert sympy.srepr(reduced.as_expr()) == sympy.srepr(expected.as_expr())


@pytest.mark.parametrize(
    "expr",
    [sympy.Float(0.5) * p + 1, sympy.sqrt(p) + q, sympy.exp(q) / (1 + p), p ** sympy.Rational(3, 2) - p],
    ids=["float", "radical", "function", "fractional power"],
)
def test_floats_radicals_and_functions_are_left_to_sfield(expr: sympy.Expr) -> None:
    _, expected = sfield(expr)
    assert not symbolic._polynomial_ops(expr)
    assert symbolic._in_lowest_terms(expr) == expected
