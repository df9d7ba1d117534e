"""The exact value of a typed SymPy expression at a point (internal; re-exported by ``checker.engine.instantiate``).

One :class:`_Evaluator` walks one expression at one point, every distinct subexpression once.  A
node is handled by the first branch of :data:`_BRANCHES` its type belongs to, looked up once per
type (:func:`_branch`): the order of the table is the order of the checks, so a type that is
several things (every SymPy ``Integer`` is a ``Rational``) takes the branch listed first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from types import UnionType
from typing import Any

import sympy
from sympy.concrete.products import Product
from sympy.concrete.summations import Sum
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import memo
from checker.engine import exact as ex
from checker.engine.exact import Mat, Scalar, Singular, Unsupported, Value, ZeroTest
from checker.engine.moments import moment_value
from checker.symbols import MaxAbsEntry, Moment

__all__ = ["Env", "evaluate"]

Env = Mapping[str, Value]


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
        A Fraction, a SymPy number (radicals), or a :class:`~checker.engine.exact.Mat`.

    Raises:
        Singular: the point is outside the expression's domain.
        Unsupported: a construct that is not evaluated exactly, or a value past the size bounds.

    >>> x = sympy.Symbol("x")
    >>> evaluate(1 / x + 1, {"x": Fraction(2)}, ZeroTest())
    Fraction(3, 2)
    """
    if shared is None:
        return _Evaluator(env, zt, varying).run(expr)
    return _SharingEvaluator(env, zt, varying, shared).run(expr)


class _Evaluator:
    """One expression at one point; every distinct subexpression is evaluated once (``memo``)."""

    def __init__(self, env: Env, zt: ZeroTest, varying: str | None = None) -> None:
        self.env = env
        self.zt = zt
        self.memo: dict[sympy.Basic, Value] = {}
        self.varying = varying
        self.touches = 0  # reads of ``varying`` (a Sum counts as one: its index varies)

    def run(self, expr: sympy.Basic) -> Value:
        hit = self.memo.get(expr)
        if hit is None:
            hit = self.memo[expr] = _handler(type(expr))(self, expr)
        return hit

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

    # -- one method per branch of _BRANCHES, in its order --------------------------------------

    def _rational(self, e: sympy.Rational) -> Value:
        if isinstance(e, sympy.Integer):
            return Fraction(int(e.p))
        return Fraction(int(e.p), int(e.q))

    def _symbol(self, e: sympy.Symbol | sympy.MatrixSymbol) -> Value:
        if e.name == self.varying:
            self.touches += 1
        try:
            return self.env[e.name]
        except KeyError:
            raise Unsupported(f"no value for symbol {e.name}") from None

    def _float(self, e: sympy.Float) -> Value:
        if not e.is_finite:
            raise Unsupported(f"the number {e} is not finite")
        return Fraction(str(e))  # the decimal as written (0.1 is 1/10), not its binary value

    def _number_symbol(self, e: sympy.NumberSymbol) -> Value:
        self.zt.algebraic = True
        return e

    def _mat_add(self, e: sympy.MatAdd) -> Value:
        mats = [self.matrix(arg) for arg in e.args]
        out = mats[0]
        for m in mats[1:]:
            out = ex.mat_add(out, m)
        return out

    def _mat_mul(self, e: sympy.MatMul) -> Value:
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

    def _add(self, e: sympy.Add) -> Value:
        acc: Scalar = Fraction(0)
        for arg in e.args:
            acc = ex.add(acc, self.scalar(arg))
        return acc

    def _mul(self, e: sympy.Mul) -> Value:
        acc: Scalar = Fraction(1)
        for arg in e.args:
            acc = ex.mul(acc, self.scalar(arg))
        return acc

    def _power(self, e: sympy.Pow) -> Value:
        return self._pow(self.scalar(e.base), self.scalar(e.exp))

    def _abs(self, e: sympy.Abs) -> Value:
        v = self.scalar(e.args[0])
        return v if ex.sign(v, self.zt) >= 0 else ex.mul(Fraction(-1), v)

    def _sign(self, e: sympy.sign) -> Value:
        return Fraction(ex.sign(self.scalar(e.args[0]), self.zt))

    def _element(self, e: MatrixElement) -> Value:
        m = self.matrix(e.parent)
        i, j = self.scalar(e.i), self.scalar(e.j)
        if not (isinstance(i, Fraction) and isinstance(j, Fraction)):
            raise Unsupported("matrix index is not an integer")
        if i.denominator != 1 or j.denominator != 1:
            raise Unsupported(f"entry ({i}, {j}) is outside a {m.rows}x{m.cols} matrix")
        row, col = i.numerator, j.numerator  # compared as integers, not as Fractions
        if not (0 <= row < m.rows and 0 <= col < m.cols):
            raise Unsupported(f"entry ({i}, {j}) is outside a {m.rows}x{m.cols} matrix")
        return m.entry(row, col)

    def _sum(self, e: Sum | Product) -> Value:
        var, lo, hi = e.limits[-1]  # the outermost; the others stay inside the term
        function = e.func(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
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
        product = isinstance(e, Product)
        acc: Scalar = Fraction(1 if product else 0)
        for k in range(int(lo_v), int(hi_v) + 1):
            inner = _Evaluator({**self.env, var.name: Fraction(k)}, self.zt)
            term = inner.scalar(function)
            acc = ex.mul(acc, term) if product else ex.add(acc, term)
        return acc

    def _inverse(self, e: sympy.Inverse) -> Value:
        v = self.run(e.arg)
        return ex.inverse(v, self.zt) if isinstance(v, Mat) else ex.reciprocal(v, self.zt)

    def _transpose(self, e: sympy.Transpose) -> Value:
        v = self.run(e.arg)
        return ex.transpose(v) if isinstance(v, Mat) else v

    def _mat_power(self, e: sympy.MatPow) -> Value:
        k = self.scalar(e.exp)
        if not (isinstance(k, Fraction) and k.denominator == 1):
            raise Unsupported("matrix power with a non-integer exponent")
        return self._matpow(self.run(e.base), int(k))

    def _identity(self, e: sympy.Identity) -> Value:
        return ex.identity(self._size(e.rows))

    def _zero_matrix(self, e: sympy.ZeroMatrix) -> Value:
        return ex.zeros(self._size(e.rows), self._size(e.cols))

    def _one_matrix(self, e: sympy.OneMatrix) -> Value:
        rows, cols = self._size(e.rows), self._size(e.cols)
        return Mat(rows, cols, tuple((Fraction(1),) * cols for _ in range(rows)))

    def _trace(self, e: sympy.Trace) -> Value:
        m = self.matrix(e.arg)
        acc: Scalar = Fraction(0)
        for i in range(min(m.rows, m.cols)):
            acc = ex.add(acc, m.entry(i, i))
        return acc

    def _determinant(self, e: sympy.Determinant) -> Value:
        return ex.determinant(self.matrix(e.arg), self.zt)

    def _explicit(self, e: sympy.MatrixBase) -> Value:
        return Mat(
            e.rows,
            e.cols,
            tuple(tuple(self.scalar(e[i, j]) for j in range(e.cols)) for i in range(e.rows)),
        )

    def _function(self, e: sympy.Function) -> Value:
        args = [ex.to_sympy(self.scalar(arg)) for arg in e.args]
        return self._apply(e.func, args, isinstance(e, sympy.log))

    def _apply(self, func: Callable[..., sympy.Basic], args: list[sympy.Expr], log: bool = False) -> Scalar:
        """``func(*args)`` at exact arguments: exact when SymPy evaluates it (floor(7/2) = 3),
        else a closed form (sin(1/2)) whose zero tests run at ``zt.digits`` digits and are noted
        as numerical in the evidence (``ZeroTest.numeric_only``)."""
        if log and ex.sign(args[0], self.zt) <= 0:
            raise Singular("logarithm of a non-positive number")
        value = func(*args)
        if not isinstance(value, sympy.Expr) or value.has(sympy.zoo, sympy.nan, sympy.oo, sympy.I):
            raise Singular(f"{func} is not real and finite here")
        if not value.is_Rational:
            self.zt.algebraic = True
        return ex.normalize(value)

    def _min_max(self, e: sympy.Min | sympy.Max) -> Value:
        values = [self.scalar(arg) for arg in e.args]
        best = values[0]
        for v in values[1:]:
            s = ex.sign(ex.add(v, ex.mul(Fraction(-1), best)), self.zt)
            if (s < 0) if isinstance(e, sympy.Min) else (s > 0):
                best = v
        return best

    def _max_abs_entry(self, e: MaxAbsEntry) -> Value:
        entries = self.matrix(e.args[0]).entries()
        best: Scalar = Fraction(0)
        for v in entries:
            magnitude = v if ex.sign(v, self.zt) >= 0 else ex.mul(Fraction(-1), v)
            if ex.sign(ex.add(magnitude, ex.mul(Fraction(-1), best)), self.zt) > 0:
                best = magnitude
        return best

    def _hadamard(self, e: sympy.HadamardProduct) -> Value:
        mats = [self.matrix(arg) for arg in e.args]
        out = mats[0]
        for m in mats[1:]:
            if (m.rows, m.cols) != (out.rows, out.cols):
                raise Unsupported("element-wise product of matrices of different shapes")
            out = Mat(
                out.rows,
                out.cols,
                tuple(
                    tuple(ex.mul(a, b) for a, b in zip(r, s, strict=True))
                    for r, s in zip(out.data, m.data, strict=True)
                ),
            )
        return out

    def _elementwise(self, e: ElementwiseApplyFunction) -> Value:
        m = self.matrix(e.expr)
        func = e.function
        is_log = isinstance(func, sympy.Lambda) and isinstance(func.expr, sympy.log)
        return Mat(
            m.rows,
            m.cols,
            tuple(tuple(self._apply(func, [ex.to_sympy(v)], is_log) for v in row) for row in m.data),
        )

    def _diag_matrix(self, e: DiagMatrix) -> Value:
        v = self.matrix(e.args[0])
        entries = v.entries()
        size = len(entries)
        return Mat(
            size,
            size,
            tuple(tuple(entries[i] if i == j else Fraction(0) for j in range(size)) for i in range(size)),
        )

    def _moment(self, e: Moment) -> Value:
        # E, Var, Cov over the key's random symbols: exact, see checker.engine.moments.
        self.touches += 1  # never shared: its body is valued apart, names not tracked
        return moment_value(e, self.env, self.zt, _evaluate_plain)

    def _unsupported(self, e: sympy.Basic) -> Value:
        raise Unsupported(f"cannot evaluate {type(e).__name__} exactly")

    # -- helpers ----------------------------------------------------------------------------------

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


def _evaluate_plain(expr: sympy.Basic, env: Env) -> Value:
    """:func:`evaluate` with a fresh zero test (the parts of a moment that are not random)."""
    return _Evaluator(env, ZeroTest()).run(expr)


class _SharingEvaluator(_Evaluator):
    """:class:`_Evaluator` that reads and stores values free of ``varying`` in the caller's ``shared``."""

    def __init__(self, env: Env, zt: ZeroTest, varying: str | None, shared: dict[sympy.Basic, Value]) -> None:
        super().__init__(env, zt, varying)
        self.shared = shared
        self.varied: set[sympy.Basic] = set()

    def run(self, expr: sympy.Basic) -> Value:
        hit = self.memo.get(expr)
        if hit is not None:
            if expr in self.varied:
                self.touches += 1
            return hit
        hit = self.shared.get(expr)
        if hit is not None:
            self.memo[expr] = hit
            return hit
        before = self.touches
        value = _handler(type(expr))(self, expr)
        self.memo[expr] = value
        if self.touches != before:
            self.varied.add(expr)
        else:
            self.shared[expr] = value
        return value


_Handler = Callable[[_Evaluator, Any], Value]

# Node types and their branches, checked in this order (the first that matches handles the node).
_BRANCHES: tuple[tuple[type | UnionType, _Handler], ...] = (
    (sympy.Rational, _Evaluator._rational),
    (sympy.Symbol | sympy.MatrixSymbol, _Evaluator._symbol),
    (sympy.Float, _Evaluator._float),
    (sympy.NumberSymbol, _Evaluator._number_symbol),
    (sympy.MatAdd, _Evaluator._mat_add),
    (sympy.MatMul, _Evaluator._mat_mul),
    (sympy.Add, _Evaluator._add),
    (sympy.Mul, _Evaluator._mul),
    (sympy.Pow, _Evaluator._power),
    (sympy.Abs, _Evaluator._abs),
    (sympy.sign, _Evaluator._sign),
    (MatrixElement, _Evaluator._element),
    (Sum | Product, _Evaluator._sum),
    (sympy.Inverse, _Evaluator._inverse),
    (sympy.Transpose, _Evaluator._transpose),
    (sympy.MatPow, _Evaluator._mat_power),
    (sympy.Identity, _Evaluator._identity),
    (sympy.ZeroMatrix, _Evaluator._zero_matrix),
    (sympy.OneMatrix, _Evaluator._one_matrix),
    (sympy.Trace, _Evaluator._trace),
    (sympy.Determinant, _Evaluator._determinant),
    (sympy.MatrixBase, _Evaluator._explicit),
    (sympy.Min | sympy.Max, _Evaluator._min_max),
    (MaxAbsEntry, _Evaluator._max_abs_entry),
    (sympy.HadamardProduct, _Evaluator._hadamard),
    (ElementwiseApplyFunction, _Evaluator._elementwise),
    (DiagMatrix, _Evaluator._diag_matrix),
    (Moment, _Evaluator._moment),  # index notation and random variables
)


def _branch(cls: type) -> _Handler:
    """The branch for nodes of type ``cls``: the first of :data:`_BRANCHES` it is a subclass of;
    then a known function (not an undefined ``f(x)``, not a Piecewise); else unsupported."""
    for kinds, handler in _BRANCHES:
        if issubclass(cls, kinds):
            return handler
    if issubclass(cls, sympy.Function) and not issubclass(cls, AppliedUndef | sympy.Piecewise):
        return _Evaluator._function
    return _Evaluator._unsupported


# A node type's branch never changes: looked up once per type.
_handler: Callable[[type], _Handler] = memo(maxsize=512)(_branch)
