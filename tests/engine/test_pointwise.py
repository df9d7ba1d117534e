"""Solving an equation for one unknown at a point: what a check learns at one point (an equation
is not affine in its unknown) changes the route at the next, never the solutions."""

from __future__ import annotations

import random
from fractions import Fraction

import sympy
from hw3_symbols import symbols
from hypothesis import given
from hypothesis import strategies as st

from checker.engine.collect import Rule
from checker.engine.exact import ZeroTest
from checker.engine.pointwise import NotAffine, solve_at_point

D = symbols("3.2")
_P = st.fractions(min_value=Fraction(1, 20), max_value=Fraction(19, 20), max_denominator=20)


def _solve(
    sides: tuple[sympy.Basic, ...], unknown: str, p: Fraction, not_affine: NotAffine | None
) -> list[object]:
    return solve_at_point(
        sides,
        unknown,
        shape=None,
        rule=Rule(),
        env={"p": p},
        zt=ZeroTest(),
        rng=random.Random(0),
        entry_bound=9,
        not_affine=not_affine,
    )


@given(_P, _P)
def test_a_square_is_solved_alike_once_known_not_affine(first: Fraction, later: Fraction) -> None:
    sides = (D.sigma**2, (1 - D.p) / D.p)
    learnt: NotAffine = set()
    _solve(sides, "sigma", first, learnt)
    assert learnt == {(sides, "sigma")}
    # σ = ±√((1-p)/p): the same roots, by the roots alone, as by the full route
    assert sorted(map(str, _solve(sides, "sigma", later, learnt))) == sorted(
        map(str, _solve(sides, "sigma", later, None))
    )
    assert len(_solve(sides, "sigma", later, learnt)) == 2


@given(_P)
def test_an_affine_equation_is_not_recorded(p: Fraction) -> None:
    sides = (D.sigma * D.p, 1 - D.p)
    learnt: NotAffine = set()
    assert _solve(sides, "sigma", p, learnt) == [(1 - p) / p]
    assert learnt == set()
