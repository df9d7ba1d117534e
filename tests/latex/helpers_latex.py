"""Shared helpers for the LaTeX front-end tests: the hw3 tables and a value check at random points.

Values are compared by instantiating every symbol with random exact rationals (n=4, d=3, so a
missing transpose cannot hide behind n = d) and comparing the explicit results exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from checker.key import Key, Question, SymbolTable, load_key
from checker.symbols import dimension, sympy_symbol

DIMS = {"n": 4, "d": 3}

Expected = Callable[[dict[str, Any]], Any]


@cache
def key() -> Key:
    return load_key(validate_latex=False)


def question(qid: str) -> Question:
    return key().question(qid)


def table(qid: str) -> SymbolTable:
    return question(qid).symbols


def _rational(rng: random.Random, low: Fraction, high: Fraction) -> sympy.Rational:
    value = low + (high - low) * Fraction(rng.randint(1, 97), 98)
    return sympy.Rational(value.numerator, value.denominator)


def environment(tbl: SymbolTable, seed: int) -> tuple[dict[sympy.Basic, sympy.Basic], dict[str, Any]]:
    """``(substitution, values by name)`` at one random point."""
    rng = random.Random(seed)
    subs: dict[sympy.Basic, sympy.Basic] = {}
    named: dict[str, Any] = {}
    for name, size in DIMS.items():
        if tbl.has(name):
            subs[dimension(name, tbl)] = sympy.Integer(size)
    for spec in tbl:
        if spec.shape == "identity" or spec.name in DIMS:
            continue
        symbol = sympy_symbol(spec, tbl)
        if isinstance(symbol, sympy.MatrixSymbol):
            rows, cols = (int(subs.get(dim, dim)) for dim in symbol.shape)
            value: Any = sympy.ImmutableMatrix(
                rows, cols, lambda i, j: _rational(rng, Fraction(-3), Fraction(3))
            )
        else:
            low = Fraction(spec.lower) if spec.lower is not None else Fraction(1, 4)
            high = Fraction(spec.upper) if spec.upper is not None else Fraction(5, 2)
            value = _rational(rng, low, high)
        subs[symbol] = value
        named[spec.name] = value
    named["I_d"] = sympy.eye(DIMS["d"])
    named["I_n"] = sympy.eye(DIMS["n"])
    named.update(DIMS)
    return subs, named


def evaluate(expr: sympy.Basic, subs: dict[sympy.Basic, sympy.Basic]) -> Any:
    """``expr`` at the point ``subs`` as an explicit matrix or a number (1×1 matrices as numbers)."""
    matrices = {k: v for k, v in subs.items() if isinstance(k, sympy.MatrixSymbol)}
    scalars = {k: v for k, v in subs.items() if not isinstance(k, sympy.MatrixSymbol)}
    # Matrices first: replacing the dimensions first would change the MatrixSymbols' identity.
    value = expr.xreplace(matrices).xreplace(scalars).doit()
    if isinstance(value, MatrixExpr):
        value = value.as_explicit()
    if isinstance(value, sympy.MatrixBase):
        if value.shape == (1, 1):
            return sympy.nsimplify(value[0, 0])
        return sympy.ImmutableMatrix(value)
    return value


def _explicit(value: Any) -> Any:
    if isinstance(value, sympy.MatrixBase) and value.shape == (1, 1):
        return value[0, 0]
    return value


def same_value(expr: sympy.Basic, expected: Expected, tbl: SymbolTable, points: int = 2) -> bool:
    """True when ``expr`` equals ``expected(values)`` exactly at ``points`` random points."""
    for seed in range(points):
        subs, named = environment(tbl, seed)
        got = evaluate(expr, subs)
        want = _explicit(expected(named))
        if isinstance(got, sympy.MatrixBase) or isinstance(want, sympy.MatrixBase):
            if not (isinstance(got, sympy.MatrixBase) and isinstance(want, sympy.MatrixBase)):
                return False
            if got.shape != want.shape or (got - want).applyfunc(sympy.simplify) != sympy.zeros(*got.shape):
                return False
        elif sympy.simplify(sympy.sympify(got) - sympy.sympify(want)) != 0:
            return False
    return True


def equivalent(a: sympy.Basic, b: sympy.Basic, tbl: SymbolTable, points: int = 2) -> bool:
    """True when two parsed values agree exactly at ``points`` random points."""
    return all(
        _agree(evaluate(a, subs), evaluate(b, subs))
        for subs, _ in (environment(tbl, s) for s in range(points))
    )


def _agree(x: Any, y: Any) -> bool:
    if isinstance(x, sympy.MatrixBase) or isinstance(y, sympy.MatrixBase):
        return (
            isinstance(x, sympy.MatrixBase)
            and isinstance(y, sympy.MatrixBase)
            and x.shape == y.shape
            and (x - y).applyfunc(sympy.simplify) == sympy.zeros(*x.shape)
        )
    return bool(sympy.simplify(x - y) == 0)
