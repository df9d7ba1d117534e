"""Laws of step checking on random equations (hypothesis).

For a random scalar equation ``u·a = b`` (a, b random in p, λ, ε, nonzero a):
* solving it correctly follows; adding a nonzero constant to the solution does not follow;
* a chain of correct rewrites has no invalid step, whatever the seed.
"""

from __future__ import annotations

import sympy
from hw3_symbols import symbols, table
from hypothesis import given
from hypothesis import strategies as st

from checker.config import EquivalenceConfig
from checker.judge.steps import ReadStep, check_read_steps
from checker.key import SymbolTable

D = symbols("3.2")
R = symbols("1.2.2")


def _table() -> SymbolTable:
    specs = {spec.name: spec for spec in (*table("3.2").symbols, *table("1.2.2").symbols)}
    return SymbolTable(tuple(specs.values()))


U = sympy.Symbol("u", real=True)  # an unknown without sign assumptions
POSITIVE = [D.p, R.lam, D.eps, sympy.Integer(2), sympy.Rational(3, 5)]
ANY = [*POSITIVE, sympy.Integer(-1), 1 - D.p]


def _factors(pool: list[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=3).map(lambda fs: sympy.Mul(*fs))


@given(_factors(POSITIVE), _factors(ANY), st.integers(0, 10**6))
def test_solving_a_linear_equation_follows(a: sympy.Expr, b: sympy.Expr, seed: int) -> None:
    config = EquivalenceConfig(seed=seed)
    steps = [ReadStep("eq", (U * a, b)), ReadStep("solved", (U, b / a))]
    result = check_read_steps(steps, _table(), target=U, config=config)
    assert [c.status for c in result.steps] == ["given", "follows"], result.steps[1].reason


@given(_factors(POSITIVE), _factors(ANY), st.sampled_from([sympy.Integer(1), sympy.Rational(-1, 9)]))
def test_a_shifted_solution_does_not_follow(a: sympy.Expr, b: sympy.Expr, shift: sympy.Expr) -> None:
    steps = [ReadStep("eq", (U * a, b)), ReadStep("wrong", (U, b / a + shift))]
    result = check_read_steps(steps, _table(), target=U)
    assert result.steps[1].status == "does_not_follow"
    assert result.first_invalid == 2


@given(_factors(POSITIVE), _factors(POSITIVE))
def test_a_chain_of_rewrites_has_no_invalid_step(a: sympy.Expr, b: sympy.Expr) -> None:
    s = D.sigma
    steps = [
        ReadStep("eq", (s**2 * a, b)),
        ReadStep("divided", (s**2, b / a)),
        ReadStep("root", (s, sympy.sqrt(b / a))),
        ReadStep("squared back", (s**2 * a - b, sympy.Integer(0))),
    ]
    result = check_read_steps(steps, _table(), target=s)
    assert result.first_invalid is None, [c.reason for c in result.steps]
