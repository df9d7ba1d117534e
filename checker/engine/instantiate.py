"""Random exact instantiation of typed SymPy expressions (internal).

* :func:`collect` finds what must be sampled in some expressions: dimension symbols, scalar symbols
  (with the table's assumptions and open bounds) and matrix symbols (with symbolic shapes); it and
  its parts live in ``checker.engine.collect`` and are re-exported here.
* :func:`dimension_points` turns ``EquivalenceConfig.dimensions`` into concrete sizes for the
  dimensions the expressions use (a question whose X is n×1 only varies n).
* :func:`sample` draws one point, deterministically from the seed, the point's index and attempt:
  every variable from its own finite set of rationals, uniformly (the set sizes feed the error bound).
* :func:`evaluate` computes an expression's exact value at a point (``checker.engine.evaluate``, with
  the arithmetic of ``checker.engine.exact``).
* :func:`degree` bounds the degree of an expression as a rational function of the sampled values.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.concrete.products import Product
from sympy.concrete.summations import Sum
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import memo
from checker.config import EquivalenceConfig
from checker.engine import exact as ex
from checker.engine.collect import (
    MAX_DEPTH,
    MAX_NODES,
    Rule,
    Summary,
    Variables,
    collect,
    rule_for,
    summarize,
    summarize_fixed,
    too_large,
    variables_of,
    walk,
)
from checker.engine.evaluate import Env, evaluate
from checker.engine.exact import Mat, Scalar, Unsupported, Value, ZeroTest
from checker.engine.quadratic import Quad
from checker.symbols import MaxAbsEntry, Moment

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "Degree",
    "Rule",
    "Summary",
    "Variables",
    "collect",
    "degree",
    "degree_at",
    "dimension_points",
    "evaluate",
    "format_plain",
    "format_value",
    "int_of",
    "rule_for",
    "sample",
    "sample_set",
    "set_size",
    "summarize",
    "summarize_fixed",
    "too_large",
    "variables_of",
    "walk",
]

_ENTRY = Rule()


@memo(maxsize=64)
def sample_set(rule: Rule, bound: int) -> tuple[Fraction, ...]:
    """The finite set a variable is drawn from, uniformly, sorted.

    Rationals p/q with |p| <= bound and 1 <= q <= bound; integers in [-bound, bound]; inside open
    bounds (lower, upper), lower + (upper - lower)·k/m with 0 < k < m <= bound², so bounded
    variables such as 0 < p < 1 still have a large set.  Sign restrictions filter the set.

    >>> len(sample_set(Rule(), 2))
    7
    """
    values: set[Fraction] = set()
    if rule.kind == "integer":
        values = {Fraction(k) for k in range(-bound, bound + 1)}
    elif rule.kind == "interval" and rule.lower is not None and rule.upper is not None:
        width = rule.upper - rule.lower
        if width > 0:  # already distinct and ascending: the set is not built, nor sorted
            return _filtered(rule, _interval(rule.lower, width, bound * bound))
        values = {
            rule.lower + width * Fraction(k, m) for m in range(2, bound * bound + 1) for k in range(1, m)
        }
    else:
        values = {Fraction(p, q) for p in range(-bound, bound + 1) for q in range(1, bound + 1)}
        if rule.lower is not None:
            values = {rule.lower + abs(v) for v in values if v != 0}
        elif rule.upper is not None:
            values = {rule.upper - abs(v) for v in values if v != 0}
    return _filtered(rule, sorted(values))


def _filtered(rule: Rule, ascending: list[Fraction]) -> tuple[Fraction, ...]:
    """The values a rule's sign restrictions allow, in order."""
    values = ascending
    if rule.positive:
        values = [v for v in values if v > 0]
    if rule.nonnegative:
        values = [v for v in values if v >= 0]
    if rule.nonzero:
        values = [v for v in values if v != 0]
    if not values:
        raise Unsupported(f"no value satisfies the assumptions {rule}")
    return tuple(values)


def _interval(lower: Fraction, width: Fraction, order: int) -> list[Fraction]:
    """lower + width·k/m for 0 < k < m <= order, width > 0, ascending and distinct.

    The k/m are the reduced fractions strictly between 0 and 1 with denominators up to ``order``:
    the Farey sequence, generated in order with integers only (building and sorting a set of
    Fractions took 35 ms for the default bound, once per process).
    """
    ln, ld, wn, wd = lower.numerator, lower.denominator, width.numerator, width.denominator
    out: list[Fraction] = []
    a, b, c, d = 0, 1, 1, order  # consecutive terms a/b < c/d of the Farey sequence
    while c < d:
        out.append(Fraction(ln * wd * d + wn * c * ld, ld * wd * d))
        k = (order + b) // d
        a, b, c, d = c, d, k * c - a, k * d - b
    return out


@memo(maxsize=256)
def dimension_points(
    variables: Variables, config: EquivalenceConfig
) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Concrete sizes for the dimensions used: ``n`` takes the first entry of each configured pair,
    ``d`` the second, other dimension names the remaining entries in turn; duplicates dropped.

    >>> v = Variables(("n",), (), ())
    >>> dimension_points(v, EquivalenceConfig(dimensions=((4, 2), (4, 3), (2, 2))))
    ((('n', 4),), (('n', 2),))
    """
    out: list[tuple[tuple[str, int], ...]] = []
    for pair in config.dimensions:
        values = {"n": pair[0], "d": pair[1]}
        spare = [pair[0], pair[1], pair[0] + 1, pair[1] + 1]
        assignment = []
        for name in variables.dims:
            if name in values:
                assignment.append((name, values[name]))
            else:
                assignment.append((name, spare.pop(0)))
        key = tuple(assignment)
        if key not in out:
            out.append(key)
    return tuple(out)


def int_of(expr: sympy.Basic, env: Env) -> int:
    """The integer value of a size expression at a point."""
    value = evaluate(expr, env, ZeroTest())
    if not isinstance(value, Fraction) or value.denominator != 1:
        raise Unsupported(f"dimension {expr} is not an integer at this point")
    return int(value)


def sample(
    variables: Variables,
    dims: tuple[tuple[str, int], ...],
    config: EquivalenceConfig,
    index: int,
    attempt: int,
    *,
    bound: int | None = None,
) -> dict[str, Value]:
    """One random point: every variable drawn uniformly from its set, deterministically.

    A variable's value depends only on the seed, the sizes, the point's index and attempt and its
    own name, so the same point is drawn whichever other symbols an expression happens to use.

    Args:
        variables: what to sample.
        dims: the sizes.
        config: seed and entry bound.
        index: the point's index.
        attempt: the attempt at this index (a singular point is redrawn with the next attempt).
        bound: an entry bound overriding the config's (2 draws small, readable values).

    Returns:
        Name → value for every dimension, scalar and matrix.
    """
    bound = config.entry_bound if bound is None else bound
    env: dict[str, Value] = {name: Fraction(value) for name, value in dims}
    tag = f"{config.seed}|{dims}|{index}|{attempt}|{bound}"
    for name, rule in variables.scalars:
        rng = random.Random(f"{tag}|{name}")
        if rule.kind == "index":  # a free index: one of its entries, 1 to its dimension
            size = env.get(rule.over or "")
            if not isinstance(size, Fraction) or size < 1:
                raise Unsupported(f"index {name} runs over an unknown dimension")
            env[name] = Fraction(rng.randrange(1, int(size) + 1))
            continue
        choices = sample_set(rule, bound)
        env[name] = choices[rng.randrange(len(choices))]
    entries = sample_set(_ENTRY, bound)
    for name, rows_expr, cols_expr in variables.matrices:
        rows, cols = int_of(rows_expr, env), int_of(cols_expr, env)
        if rows * cols > 400:
            raise Unsupported(f"matrix {name} would have {rows * cols} entries")
        rng = random.Random(f"{tag}|{name}")
        env[name] = Mat(
            rows,
            cols,
            tuple(tuple(entries[rng.randrange(len(entries))] for _ in range(cols)) for _ in range(rows)),
        )
    return env


@memo(maxsize=256)
def set_size(variables: Variables, config: EquivalenceConfig) -> float:
    """The smallest sample set among the sampled variables (the S of Schwartz–Zippel)."""
    sizes = [
        len(sample_set(rule, config.entry_bound)) for _, rule in variables.scalars if rule.kind != "index"
    ]
    if variables.matrices:
        sizes.append(len(sample_set(_ENTRY, config.entry_bound)))
    return float(min(sizes)) if sizes else math.inf


# ---------------------------------------------------------------------------------------------
# degree bound
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Degree:
    """Degree of an expression as a rational function N/Q of the sampled values.

    Attributes:
        num: bound on the degree of the numerator (entries of the numerator matrix).
        den: bound on the degree of the common denominator.
        conjugates: product of the root orders of the radicals (the norm argument multiplies the
            degree by it).
        branches: uses |·| or sgn (piecewise rational).
        transcendental: uses exp, log, trig or a constant such as π (no polynomial bound).
    """

    num: int
    den: int
    conjugates: int = 1
    branches: bool = False
    transcendental: bool = False


def _combine(parts: list[Degree], num: int, den: int) -> Degree:
    conj = 1
    for p in parts:
        conj *= p.conjugates
    return Degree(
        num,
        den,
        min(conj, 1 << 20),
        any(p.branches for p in parts),
        any(p.transcendental for p in parts),
    )


def degree(expr: sympy.Basic, dims: Mapping[str, int]) -> Degree:
    """A conservative degree bound of ``expr`` at the given sizes.

    Sums bring terms to a common denominator, products add degrees, the inverse of a k×k matrix
    N/q is q·adj(N)/det(N) (degrees (k-1)·a + b over k·a), a radical f^(p/q) counts as a new value
    of degree ⌈|p|·deg f/q⌉ and multiplies the conjugate count by q.

    >>> x = sympy.Symbol("x")
    >>> degree(1 / (x + 1) + x**2, {})
    Degree(num=3, den=1, conjugates=1, branches=False, transcendental=False)
    """
    return _degree(expr, dims, {})


def _degree_at(expr: sympy.Basic, dims: tuple[tuple[str, int], ...]) -> Degree:
    return degree(expr, dict(dims))


# :func:`degree` of the answer key's side (the same for every answer) and of small answers (a class
# writes a few dozen expressions), computed once per process and sizes.
degree_at = memo(maxsize=1024)(_degree_at)


def _degree(e: sympy.Basic, dims: Mapping[str, int], memo: dict[sympy.Basic, Degree]) -> Degree:
    hit = memo.get(e)
    if hit is not None:
        return hit
    out: Degree
    if isinstance(e, sympy.Symbol):
        out = Degree(0, 0) if e.name in dims else Degree(1, 0)
    elif isinstance(e, sympy.MatrixSymbol):
        out = Degree(1, 0)
    elif isinstance(e, sympy.Number | sympy.Identity | sympy.ZeroMatrix | sympy.OneMatrix):
        out = Degree(0, 0)
    elif isinstance(e, sympy.NumberSymbol):
        out = Degree(0, 0, transcendental=True)
    elif isinstance(e, Product):
        _var, lo, hi = e.limits[0]
        length = max(1, _size_at(hi - lo + 1, dims))
        inner = _degree(e.function, dims, memo)
        out = _combine([inner], inner.num * length, inner.den * length)
    elif isinstance(e, sympy.MatAdd | sympy.Add | Sum):
        if isinstance(e, Sum):
            _var, lo, hi = e.limits[0]
            length = max(1, _size_at(hi - lo + 1, dims))
            parts = [_degree(e.function, dims, memo)] * length
        else:
            parts = [_degree(a, dims, memo) for a in e.args]
        den = sum(p.den for p in parts)
        num = max(p.num + den - p.den for p in parts)
        out = _combine(parts, num, den)
    elif isinstance(e, sympy.Mul | sympy.MatMul | sympy.HadamardProduct):
        parts = [_degree(a, dims, memo) for a in e.args]
        # an entry of a matrix product is a sum of products: degrees add, no new denominator
        out = _combine(parts, sum(p.num for p in parts), sum(p.den for p in parts))
    elif isinstance(e, sympy.Pow | sympy.MatPow):
        base = _degree(e.base, dims, memo)
        k = e.exp
        if isinstance(e, sympy.MatPow) and k.is_Integer:
            size = _size_at(e.base.shape[0], dims)
            out = _matpow_degree(base, int(k), size)
        elif k.is_Integer:
            kk = int(k)
            out = (
                _combine([base], base.num * kk, base.den * kk)
                if kk >= 0
                else _combine([base], base.den * -kk, base.num * -kk)
            )
        elif k.is_Rational:
            p, q = abs(int(k.p)), int(k.q)
            size = -(-p * max(base.num, base.den) // q)
            out = Degree(size, 0, min(base.conjugates * q, 1 << 20), base.branches, base.transcendental)
        else:
            out = Degree(0, 0, transcendental=True)
    elif isinstance(e, sympy.Inverse):
        base = _degree(e.arg, dims, memo)
        size = _size_at(e.arg.shape[0], dims) if isinstance(e.arg, sympy.MatrixExpr) else 1
        out = _matpow_degree(base, -1, size)
    elif isinstance(e, sympy.Transpose | MatrixElement | DiagMatrix):
        out = _degree(e.args[0], dims, memo)
    elif isinstance(e, sympy.Abs | MaxAbsEntry):
        inner = _degree(e.args[0], dims, memo)
        out = Degree(inner.num, inner.den, inner.conjugates, True, inner.transcendental)
    elif isinstance(e, sympy.sign):
        inner = _degree(e.args[0], dims, memo)
        out = Degree(0, 0, inner.conjugates, True, inner.transcendental)
    elif isinstance(e, sympy.Trace):
        inner = _degree(e.arg, dims, memo)
        out = Degree(inner.num, inner.den, inner.conjugates, inner.branches, inner.transcendental)
    elif isinstance(e, Moment):
        out = _moment_degree(e, dims, memo)
    elif isinstance(e, sympy.Determinant):
        inner = _degree(e.arg, dims, memo)
        size = _size_at(e.arg.shape[0], dims)
        out = _combine([inner], inner.num * size, inner.den * size)
    elif isinstance(e, sympy.Min | sympy.Max):
        # each branch is one of the arguments: the largest degree bounds it; the choice branches
        parts = [_degree(a, dims, memo) for a in e.args]
        out = Degree(
            max(p.num for p in parts),
            max(p.den for p in parts),
            max(p.conjugates for p in parts),
            True,
            any(p.transcendental for p in parts),
        )
    elif isinstance(e, sympy.ImmutableMatrix):
        # an entry of a literal is one of its entries: the largest degree bounds them all
        parts = [_degree(a, dims, memo) for a in e] or [Degree(0, 0)]
        out = _combine(parts, max(p.num for p in parts), max(p.den for p in parts))
    else:
        parts = [_degree(a, dims, memo) for a in e.args if isinstance(a, sympy.Basic)]
        out = Degree(
            sum(p.num for p in parts), sum(p.den for p in parts), 1, any(p.branches for p in parts), True
        )
    memo[e] = out
    return out


def _moment_degree(e: Moment, dims: Mapping[str, int], memo: dict[sympy.Basic, Degree]) -> Degree:
    """E, Var, Cov: a random entry to the power k becomes a moment of degree at most k times its
    parameters' degree; a variance or covariance multiplies two bodies."""
    parts = [_degree(op, dims, memo) for op in e.operands]
    params = [
        _degree(value, dims, memo)
        for item in e.over
        for _, value in item[2]
        if not isinstance(value, sympy.Tuple)
    ]
    scale = max([1, *(p.num + p.den for p in params)])
    factor = 1 if e.operator == "E" else 2
    num = max(p.num for p in parts) * scale * factor
    den = max(p.den for p in parts) * factor
    return _combine([*parts, *params], num, den)


def _size_at(expr: sympy.Basic, dims: Mapping[str, int]) -> int:
    # The common sizes first, as the substitution below would give them: a dimension, a number.
    if isinstance(expr, sympy.Symbol):
        return dims.get(expr.name, 64)
    if isinstance(expr, sympy.Integer):
        return int(expr)
    value = expr.subs(
        {s: dims[s.name] for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.name in dims}
    )
    return int(value) if value.is_Integer else 64


def _matpow_degree(base: Degree, k: int, size: int) -> Degree:
    if k >= 0:
        return _combine([base], base.num * k, base.den * k)
    # (N/q)^{-1} = q adj(N) / det(N), then to the power |k|
    num = base.den + (size - 1) * base.num
    den = size * base.num
    return _combine([base], num * -k, den * -k)


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------


def format_value(value: Value) -> str:
    """A value as LaTeX: ``\\frac{5}{3}``, ``\\sqrt{3}``, a pmatrix for matrices.

    >>> format_value(Fraction(5, 3))
    '\\\\frac{5}{3}'
    """
    if isinstance(value, Mat):
        rows = " \\\\ ".join(" & ".join(format_value(v) for v in row) for row in value.data)
        return "\\begin{pmatrix} " + rows + " \\end{pmatrix}"
    if isinstance(value, Fraction):  # what sympy.latex prints for the Rational, without building it
        if value.denominator == 1:
            return str(value.numerator)
        sign = "- " if value.numerator < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    root = _one_root(value)
    if root is not None:  # what sympy.latex prints for c·√m, without building it
        negative, a, b, m = root
        term = f"\\sqrt{{{m}}}" if a == 1 else f"{a} \\sqrt{{{m}}}"
        return ("- " if negative else "") + (term if b == 1 else f"\\frac{{{term}}}{{{b}}}")
    return _latex_of(value)


def format_plain(value: Value) -> str:
    """A value as short plain text for sentences: ``5/3``, ``sqrt(3)``, ``[[1, 2], [3, 4]]``."""
    if isinstance(value, Mat):
        return (
            "[" + ", ".join("[" + ", ".join(format_plain(v) for v in row) + "]" for row in value.data) + "]"
        )
    if isinstance(value, Fraction):
        return str(value)
    root = _one_root(value)
    if root is not None:  # what sympy.sstr prints for c·√m, without building it
        negative, a, b, m = root
        term = f"sqrt({m})" if a == 1 else f"{a}*sqrt({m})"
        return ("-" if negative else "") + (term if b == 1 else f"{term}/{b}")
    return _plain_of(value)


def _one_root(value: Scalar) -> tuple[bool, int, int, int] | None:
    """``c·√m`` (one square root of a square-free integer, no rational part) as whether it is
    negative, the numerator and denominator of ``|c|`` and ``m``; None for any other value.  A refutation of an
    answer with a radical (``σ = k√((1−p)/p)`` at a rational ``p``) shows such a value, a new one
    for each answer, and building it in SymPy to print it cost a fiftieth of judging the answer."""
    if not isinstance(value, Quad) or len(value.terms) != 1:
        return None
    ((m, c),) = value.terms
    return c < 0, abs(c.numerator), c.denominator, m


# Radicals are printed by SymPy, which is slow; a value recurs (the key's side at a point, in every
# refutation of an answer to the question), so each is printed once per process.
@memo(maxsize=4096)
def _latex_of(value: Scalar) -> str:
    return str(sympy.latex(ex.to_sympy(value)))


@memo(maxsize=4096)
def _plain_of(value: Scalar) -> str:
    return str(sympy.sstr(ex.to_sympy(value)))
