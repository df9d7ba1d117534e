"""Random exact instantiation of typed SymPy expressions (internal).

* :func:`collect` finds what must be sampled in some expressions: dimension symbols, scalar symbols
  (with the table's assumptions and open bounds) and matrix symbols (with symbolic shapes); it and
  its parts live in ``checker._collect`` and are re-exported here.
* :func:`dimension_points` turns ``EquivalenceConfig.dimensions`` into concrete sizes for the
  dimensions the expressions use (a question whose X is n×1 only varies n).
* :func:`sample` draws one point, deterministically from the seed, the point's index and attempt:
  every variable from its own finite set of rationals, uniformly (the set sizes feed the error bound).
* :func:`evaluate` computes an expression's exact value at a point (``checker._exact``).
* :func:`degree` bounds the degree of an expression as a rational function of the sampled values.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.concrete.summations import Sum
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from checker import _exact as ex
from checker._collect import (
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
from checker._exact import Mat, Scalar, Singular, Unsupported, Value, ZeroTest
from checker.config import EquivalenceConfig

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "Degree",
    "Rule",
    "Summary",
    "Variables",
    "collect",
    "degree",
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

Env = Mapping[str, Value]

_ENTRY = Rule()


@functools.lru_cache(maxsize=64)
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
        values = {
            rule.lower + width * Fraction(k, m) for m in range(2, bound * bound + 1) for k in range(1, m)
        }
    else:
        values = {Fraction(p, q) for p in range(-bound, bound + 1) for q in range(1, bound + 1)}
        if rule.lower is not None:
            values = {rule.lower + abs(v) for v in values if v != 0}
        elif rule.upper is not None:
            values = {rule.upper - abs(v) for v in values if v != 0}
    if rule.positive:
        values = {v for v in values if v > 0}
    if rule.nonnegative:
        values = {v for v in values if v >= 0}
    if rule.nonzero:
        values = {v for v in values if v != 0}
    if not values:
        raise Unsupported(f"no value satisfies the assumptions {rule}")
    return tuple(sorted(values))


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


def set_size(variables: Variables, config: EquivalenceConfig) -> float:
    """The smallest sample set among the sampled variables (the S of Schwartz–Zippel)."""
    sizes = [len(sample_set(rule, config.entry_bound)) for _, rule in variables.scalars]
    if variables.matrices:
        sizes.append(len(sample_set(_ENTRY, config.entry_bound)))
    return float(min(sizes)) if sizes else math.inf


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------


def evaluate(
    expr: sympy.Basic,
    env: Env,
    zt: ZeroTest,
    *,
    shared: dict[sympy.Basic, Value] | None = None,
    varying: str | None = None,
) -> Value:
    """The exact value of ``expr`` at the point ``env`` (names → values).

    Args:
        expr: typed SymPy: scalars, matrix expressions, 1×1 results as ``M[0, 0]``.
        env: a value for every symbol name in ``expr`` (dimension symbols included).
        zt: per-call zero-test settings and notes.
        shared: the caller's memo of subexpression values for repeated evaluations at points that
            differ only in ``varying`` (solving for an unknown evaluates the same sides at many
            values of it); subexpressions free of ``varying`` are read from and stored in it.
            Only valid with the same ``zt`` and the same values of every other name.
        varying: the one name whose value changes between calls sharing ``shared``.

    Returns:
        A Fraction, a SymPy number (radicals), or a :class:`~checker._exact.Mat`.

    Raises:
        Singular: the point is outside the expression's domain.
        Unsupported: a construct that is not evaluated exactly, or a value past the size bounds.

    >>> x = sympy.Symbol("x")
    >>> evaluate(1 / x + 1, {"x": Fraction(2)}, ZeroTest())
    Fraction(3, 2)
    """
    return _Evaluator(env, zt, shared, varying).run(expr)


class _Evaluator:
    def __init__(
        self,
        env: Env,
        zt: ZeroTest,
        shared: dict[sympy.Basic, Value] | None = None,
        varying: str | None = None,
    ) -> None:
        self.env = env
        self.zt = zt
        self.memo: dict[sympy.Basic, Value] = {}
        self.shared = shared
        self.varying = varying
        self.touches = 0  # reads of ``varying`` (a Sum counts as one: its index varies)
        self.varied: set[sympy.Basic] = set()

    def run(self, expr: sympy.Basic) -> Value:
        hit = self.memo.get(expr)
        if hit is not None:
            if expr in self.varied:
                self.touches += 1
            return hit
        if self.shared is not None:
            hit = self.shared.get(expr)
            if hit is not None:
                self.memo[expr] = hit
                return hit
        before = self.touches
        value = self._eval(expr)
        self.memo[expr] = value
        if self.touches != before:
            self.varied.add(expr)
        elif self.shared is not None:
            self.shared[expr] = value
        return value

    def scalar(self, expr: sympy.Basic) -> Scalar:
        value = self.run(expr)
        if isinstance(value, Mat):
            if value.rows == value.cols == 1:
                return value.entry(0, 0)
            raise Unsupported(f"expected a scalar, found a {value.rows}x{value.cols} matrix")
        return value

    def matrix(self, expr: sympy.Basic) -> Mat:
        value = self.run(expr)
        if not isinstance(value, Mat):
            raise Unsupported("expected a matrix, found a scalar")
        return value

    def _eval(self, e: sympy.Basic) -> Value:
        zt = self.zt
        if isinstance(e, sympy.Rational):
            return Fraction(int(e.p), int(e.q))
        if isinstance(e, sympy.Symbol | sympy.MatrixSymbol):
            if e.name == self.varying:
                self.touches += 1
            try:
                return self.env[e.name]
            except KeyError:
                raise Unsupported(f"no value for symbol {e.name}") from None
        if isinstance(e, sympy.Float):
            if not e.is_finite:
                raise Unsupported(f"the number {e} is not finite")
            return Fraction(str(e))  # the decimal as written (0.1 is 1/10), not its binary value
        if isinstance(e, sympy.NumberSymbol):
            zt.algebraic = True
            return e
        if isinstance(e, sympy.MatAdd):
            mats = [self.matrix(arg) for arg in e.args]
            out = mats[0]
            for m in mats[1:]:
                out = ex.mat_add(out, m)
            return out
        if isinstance(e, sympy.MatMul):
            coeff: Scalar = Fraction(1)
            prod: Mat | None = None
            for arg in e.args:
                v = self.run(arg)
                if isinstance(v, Mat):
                    prod = v if prod is None else ex.mat_mul(prod, v)
                else:
                    coeff = ex.mul(coeff, v)
            if prod is None:
                return coeff
            return prod if coeff == 1 else ex.mat_scale(coeff, prod)
        if isinstance(e, sympy.Add):
            acc: Scalar = Fraction(0)
            for arg in e.args:
                acc = ex.add(acc, self.scalar(arg))
            return acc
        if isinstance(e, sympy.Mul):
            acc = Fraction(1)
            for arg in e.args:
                acc = ex.mul(acc, self.scalar(arg))
            return acc
        if isinstance(e, sympy.Pow):
            return self._pow(self.scalar(e.base), self.scalar(e.exp))
        if isinstance(e, sympy.Abs):
            v = self.scalar(e.args[0])
            return v if ex.sign(v, zt) >= 0 else ex.mul(Fraction(-1), v)
        if isinstance(e, sympy.sign):
            return Fraction(ex.sign(self.scalar(e.args[0]), zt))
        if isinstance(e, MatrixElement):
            m = self.matrix(e.parent)
            i, j = self.scalar(e.i), self.scalar(e.j)
            if not (isinstance(i, Fraction) and isinstance(j, Fraction)):
                raise Unsupported("matrix index is not an integer")
            if i.denominator != 1 or j.denominator != 1 or not (0 <= i < m.rows and 0 <= j < m.cols):
                raise Unsupported(f"entry ({i}, {j}) is outside a {m.rows}x{m.cols} matrix")
            return m.entry(int(i), int(j))
        if isinstance(e, Sum):
            return self._sum(e)
        if isinstance(e, sympy.Inverse):
            v = self.run(e.arg)
            return ex.inverse(v, zt) if isinstance(v, Mat) else ex.reciprocal(v, zt)
        if isinstance(e, sympy.Transpose):
            v = self.run(e.arg)
            return ex.transpose(v) if isinstance(v, Mat) else v
        if isinstance(e, sympy.MatPow):
            k = self.scalar(e.exp)
            if not (isinstance(k, Fraction) and k.denominator == 1):
                raise Unsupported("matrix power with a non-integer exponent")
            return self._matpow(self.run(e.base), int(k))
        if isinstance(e, sympy.Identity):
            return ex.identity(self._size(e.rows))
        if isinstance(e, sympy.ZeroMatrix):
            return ex.zeros(self._size(e.rows), self._size(e.cols))
        if isinstance(e, sympy.OneMatrix):
            rows, cols = self._size(e.rows), self._size(e.cols)
            return Mat(rows, cols, tuple((Fraction(1),) * cols for _ in range(rows)))
        if isinstance(e, sympy.Trace):
            m = self.matrix(e.arg)
            acc = Fraction(0)
            for i in range(min(m.rows, m.cols)):
                acc = ex.add(acc, m.entry(i, i))
            return acc
        if isinstance(e, sympy.Determinant):
            return ex.determinant(self.matrix(e.arg), zt)
        if isinstance(e, sympy.MatrixBase):
            return Mat(
                e.rows,
                e.cols,
                tuple(tuple(self.scalar(e[i, j]) for j in range(e.cols)) for i in range(e.rows)),
            )
        if (
            isinstance(e, sympy.Function)
            and not isinstance(e, AppliedUndef)
            and not isinstance(e, sympy.Piecewise)
        ):
            return self._function(e)
        raise Unsupported(f"cannot evaluate {type(e).__name__} exactly")

    def _size(self, expr: sympy.Basic) -> int:
        v = self.scalar(expr)
        if not isinstance(v, Fraction) or v.denominator != 1 or v < 1:
            raise Unsupported(f"size {expr} is not a positive integer")
        return int(v)

    def _pow(self, base: Scalar, exp: Scalar) -> Scalar:
        if not isinstance(exp, Fraction):
            raise Unsupported("power with an irrational exponent")
        if exp.denominator == 1:
            if exp < 0 and ex.is_zero(base, self.zt):
                raise Singular("division by zero")
            return ex.power(base, int(exp), self.zt)
        if abs(exp.numerator) > 512 or exp.denominator > 16:
            raise Unsupported(f"power {exp} is too large")
        if exp < 0 and ex.is_zero(base, self.zt):
            raise Singular("division by zero")
        return ex.rational_power(base, exp.numerator, exp.denominator, self.zt)

    def _matpow(self, base: Value, k: int) -> Value:
        if not isinstance(base, Mat):
            return ex.power(base, k, self.zt)
        if abs(k) > 64:
            raise Unsupported(f"matrix power {k} is too large")
        if k < 0:
            base, k = ex.inverse(base, self.zt), -k
        out = ex.identity(base.rows)
        for _ in range(k):
            out = ex.mat_mul(out, base)
        return out

    def _sum(self, e: Sum) -> Value:
        if len(e.limits) != 1:
            raise Unsupported("multiple summation")
        var, lo, hi = e.limits[0]
        lo_v, hi_v = self.scalar(lo), self.scalar(hi)
        if (
            not (isinstance(lo_v, Fraction) and isinstance(hi_v, Fraction))
            or lo_v.denominator != 1
            or hi_v.denominator != 1
        ):
            raise Unsupported("summation bounds are not integers")
        if hi_v - lo_v > 2_000:
            raise Unsupported("summation range too long")
        self.touches += 1  # never shared: the body's names are not tracked through the index
        acc: Scalar = Fraction(0)
        for k in range(int(lo_v), int(hi_v) + 1):
            inner = _Evaluator({**self.env, var.name: Fraction(k)}, self.zt)
            acc = ex.add(acc, inner.scalar(e.function))
        return acc

    def _function(self, e: sympy.Function) -> Scalar:
        args = [ex.to_sympy(self.scalar(arg)) for arg in e.args]
        if isinstance(e, sympy.log) and ex.sign(args[0], self.zt) <= 0:
            raise Singular("logarithm of a non-positive number")
        value = e.func(*args)
        if value.has(sympy.zoo, sympy.nan, sympy.oo, sympy.I):
            raise Singular(f"{e.func} is not real and finite here")
        self.zt.algebraic = True
        return ex.normalize(value)


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
    elif isinstance(e, sympy.Mul | sympy.MatMul):
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
    elif isinstance(e, sympy.Transpose | MatrixElement):
        out = _degree(e.args[0], dims, memo)
    elif isinstance(e, sympy.Abs):
        inner = _degree(e.args[0], dims, memo)
        out = Degree(inner.num, inner.den, inner.conjugates, True, inner.transcendental)
    elif isinstance(e, sympy.sign):
        inner = _degree(e.args[0], dims, memo)
        out = Degree(0, 0, inner.conjugates, True, inner.transcendental)
    elif isinstance(e, sympy.Trace):
        inner = _degree(e.arg, dims, memo)
        out = Degree(inner.num, inner.den, inner.conjugates, inner.branches, inner.transcendental)
    elif isinstance(e, sympy.Determinant):
        inner = _degree(e.arg, dims, memo)
        size = _size_at(e.arg.shape[0], dims)
        out = _combine([inner], inner.num * size, inner.den * size)
    else:
        parts = [_degree(a, dims, memo) for a in e.args if isinstance(a, sympy.Basic)]
        out = Degree(
            sum(p.num for p in parts), sum(p.den for p in parts), 1, any(p.branches for p in parts), True
        )
    memo[e] = out
    return out


def _size_at(expr: sympy.Basic, dims: Mapping[str, int]) -> int:
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
    return str(sympy.latex(ex.to_sympy(value)))


def format_plain(value: Value) -> str:
    """A value as short plain text for sentences: ``5/3``, ``sqrt(3)``, ``[[1, 2], [3, 4]]``."""
    if isinstance(value, Mat):
        return (
            "[" + ", ".join("[" + ", ".join(format_plain(v) for v in row) + "]" for row in value.data) + "]"
        )
    if isinstance(value, Fraction):
        return str(value)
    return str(sympy.sstr(ex.to_sympy(value)))
