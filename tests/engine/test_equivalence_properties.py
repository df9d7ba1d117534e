"""Laws of the cascade, tested on random expressions (hypothesis).

* an expression is equivalent to itself and to an algebraically rewritten form of itself;
* adding a nonzero constant refutes;
* swapping reference and candidate does not change the outcome;
* the push-through identity holds, and a dropped factor is refuted, at any sizes.
"""

from __future__ import annotations

import sympy
from hw3_symbols import symbols, table
from hypothesis import given
from hypothesis import strategies as st

from checker.config import EquivalenceConfig
from checker.engine.cascade import compare

S = symbols("1.2.2")
D = symbols("3.2")
LEAVES = [S.lam, S.n, D.p, D.sigma, sympy.Integer(2), sympy.Rational(1, 3), sympy.Integer(-1)]
POSITIVE = [S.lam, D.p, D.sigma, sympy.Integer(3)]
NO_SYMBOLIC = EquivalenceConfig(symbolic=False)


def _expressions() -> st.SearchStrategy[sympy.Expr]:
    leaves = st.sampled_from(LEAVES)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
            st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
            st.tuples(inner, st.sampled_from(POSITIVE)).map(lambda ab: ab[0] / ab[1]),
            st.tuples(inner, st.sampled_from([2, 3])).map(lambda ab: ab[0] ** ab[1]),
        ),
        max_leaves=8,
    )


TABLE = table("3.2").symbols + table("1.2.2").symbols


@given(_expressions())
def test_an_expression_is_equivalent_to_its_expansion(e: sympy.Expr) -> None:
    from checker.key import SymbolTable

    t = SymbolTable(TABLE)
    assert compare(e, e, t).outcome == "equivalent"
    result = compare(e, sympy.expand(e), t, config=NO_SYMBOLIC)
    assert result.outcome == "equivalent", result.evidence


@given(_expressions(), st.sampled_from([sympy.Integer(1), sympy.Rational(-2, 7), sympy.Rational(1, 1000)]))
def test_adding_a_nonzero_constant_refutes(e: sympy.Expr, c: sympy.Expr) -> None:
    from checker.key import SymbolTable

    result = compare(e, e + c, SymbolTable(TABLE), config=NO_SYMBOLIC)
    assert result.outcome == "not_equivalent", result.evidence
    assert result.counterexample


@given(_expressions(), _expressions())
def test_outcome_is_symmetric(a: sympy.Expr, b: sympy.Expr) -> None:
    from checker.key import SymbolTable

    t = SymbolTable(TABLE)
    assert compare(a, b, t).outcome == compare(b, a, t).outcome


SIZES = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=3, unique=True)


@given(SIZES, st.integers(0, 10**6))
def test_push_through_at_random_sizes(sizes: list[tuple[int, int]], seed: int) -> None:
    config = EquivalenceConfig(dimensions=tuple(sizes), seed=seed)
    I_d, I_n = sympy.Identity(S.d), sympy.Identity(S.n)
    ref = (S.X.T * S.X + 2 * S.n * S.lam * I_d).I * S.X.T * S.t
    push = S.X.T * (S.X * S.X.T + 2 * S.n * S.lam * I_n).I * S.t
    dropped = (S.X.T * S.X + S.n * S.lam * I_d).I * S.X.T * S.t
    assert compare(ref, push, table("1.2.2"), config=config).outcome == "equivalent"
    assert compare(ref, dropped, table("1.2.2"), config=config).outcome == "not_equivalent"


@given(st.integers(2, 10**6), st.integers(1, 50))
def test_a_root_of_a_scaled_fraction_is_proved_and_a_changed_one_is_not(k: int, off: int) -> None:
    """√((k − kp)/(kp)) is √((1 − p)/p), proved (each radicand is put in lowest terms before
    the difference is built); √((k − kp)/((k + off)p)) is not, whatever the numbers."""
    from checker.key import SymbolTable

    t = SymbolTable(TABLE)
    p = D.p
    reference = sympy.sqrt((1 - p) / p)
    scaled = sympy.Pow(
        sympy.Mul(k - k * p, 1 / (k * p), evaluate=False), sympy.Rational(1, 2), evaluate=False
    )
    result = compare(reference, scaled, t)
    assert (result.outcome, result.method) == ("equivalent", "symbolic"), result.evidence
    changed = sympy.Pow(
        sympy.Mul(k - k * p, 1 / ((k + off) * p), evaluate=False), sympy.Rational(1, 2), evaluate=False
    )
    assert compare(reference, changed, t).outcome == "not_equivalent"


@given(_expressions(), st.sampled_from([sympy.Integer(1), sympy.Rational(-2, 7), D.p]))
def test_the_symbolic_zero_test_cancels_rewritings_and_nothing_else(e: sympy.Expr, c: sympy.Expr) -> None:
    """The symbolic stage's zero test (SymPy's field of rational functions): a rewriting of an
    expression cancels against it; the same plus a nonzero term does not."""
    from checker.engine.symbolic import cancels

    assert cancels(e - sympy.together(sympy.expand(e)))
    assert not cancels(e + c - sympy.together(sympy.expand(e)))
