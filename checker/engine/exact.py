"""Exact scalar and matrix arithmetic for random instantiation (internal).

Values are exact: a scalar is a :class:`fractions.Fraction` (the fast, common case) or a SymPy
expression when a radical, a constant such as π, or a symbolic unknown enters.  Matrices are small
row-major tuples of scalars (:class:`Mat`), since instantiated dimensions are at most a handful.

Two conditions are signalled with exceptions that never leave the engine:

* :class:`Singular`: the point lies outside the domain (division by zero, the inverse of a singular
  matrix, the square root of a negative number).  The caller resamples; the point is not counted.
* :class:`Unsupported`: the value cannot be computed exactly within bounds (a huge power, a
  construct we do not evaluate).  The caller reports "undecided".
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias, cast

import sympy

from checker.engine import quadratic as qd
from checker.engine.quadratic import NotQuadratic, Quad

__all__ = [
    "Mat",
    "Scalar",
    "Singular",
    "Unsupported",
    "Value",
    "ZeroTest",
]

Scalar: TypeAlias = "Fraction | Quad | sympy.Expr"

# Largest bit size of an exact value we agree to build (guards hostile exponents such as x^(10^6)).
_MAX_BITS = 20_000
# Largest |exponent| of an integer power of an exact value.
_MAX_EXPONENT = 512


class Singular(Exception):
    """The point is outside the domain of the expression; resample, do not count it."""


class Unsupported(Exception):
    """The value cannot be computed exactly within bounds; the comparison is undecided."""


@dataclass
class ZeroTest:
    """How zero tests on non-rational values were decided during one comparison.

    ``digits`` is the working precision of the numerical pre-test; ``numeric_only`` becomes true when
    some zero test could only be decided numerically (a transcendental value), so evidence says so.
    This is per-call state created by the caller, never shared between calls.
    """

    digits: int = 60
    numeric_only: bool = False
    algebraic: bool = False


@dataclass(frozen=True)
class Mat:
    """A small exact matrix, row-major."""

    rows: int
    cols: int
    data: tuple[tuple[Scalar, ...], ...]

    def entry(self, i: int, j: int) -> Scalar:
        return self.data[i][j]

    def entries(self) -> tuple[Scalar, ...]:
        return tuple(v for row in self.data for v in row)


Value: TypeAlias = "Scalar | Mat"


# ---------------------------------------------------------------------------------------------
# scalars
# ---------------------------------------------------------------------------------------------


def to_sympy(v: Scalar) -> sympy.Expr:
    """The SymPy form of a scalar value (a Fraction becomes a Rational, a Quad a sum of roots)."""
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if isinstance(v, Quad):
        return qd.q_to_sympy(v)
    return v


def normalize(v: sympy.Expr) -> Scalar:
    """A SymPy value that is rational becomes a Fraction again (keeps the fast path fast)."""
    if isinstance(v, sympy.Rational):
        return Fraction(int(v.p), int(v.q))
    if v.is_Number and not v.is_finite:
        raise Singular(f"value {v} is not finite")
    if v.has(sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity):
        raise Singular(f"value {v} is not finite")
    return v


def _guard_bits(v: Fraction) -> Fraction:
    if v.numerator.bit_length() + v.denominator.bit_length() > _MAX_BITS:
        raise Unsupported("exact value grew past the size bound")
    return v


def _guard(v: Fraction | Quad) -> Fraction | Quad:
    if isinstance(v, Fraction):
        return _guard_bits(v)
    if sum(c.numerator.bit_length() + c.denominator.bit_length() for _, c in v.terms) > _MAX_BITS:
        raise Unsupported("exact value grew past the size bound")
    return v


def _quadratic(*values: Scalar) -> bool:
    return all(isinstance(v, Fraction | Quad) for v in values)


def add(a: Scalar, b: Scalar) -> Scalar:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _guard_bits(a + b)
    if _quadratic(a, b):
        try:
            return _guard(qd.q_add(a, b))
        except NotQuadratic:
            pass
    return normalize(to_sympy(a) + to_sympy(b))


def sub(a: Scalar, b: Scalar) -> Scalar:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _guard_bits(a - b)
    if _quadratic(a, b):
        try:
            return _guard(qd.q_add(a, qd.q_neg(b)))
        except NotQuadratic:
            pass
    return normalize(to_sympy(a) - to_sympy(b))


def mul(a: Scalar, b: Scalar) -> Scalar:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _guard_bits(a * b)
    if _quadratic(a, b):
        try:
            return _guard(qd.q_mul(a, b))
        except NotQuadratic:
            pass
    return normalize(to_sympy(a) * to_sympy(b))


def reciprocal(a: Scalar, zt: ZeroTest) -> Scalar:
    """1/a; :class:`Singular` when a is zero."""
    if is_zero(a, zt):
        raise Singular("division by zero")
    if isinstance(a, Fraction):
        return 1 / a
    if isinstance(a, Quad):
        try:
            return _guard(qd.q_inverse(a))
        except NotQuadratic:
            return normalize(1 / to_sympy(a))
    return normalize(1 / a)


def power(a: Scalar, k: int, zt: ZeroTest) -> Scalar:
    """a**k for an integer k, with size guards before the power is built."""
    if abs(k) > _MAX_EXPONENT:
        raise Unsupported(f"exponent {k} is larger than {_MAX_EXPONENT}")
    if k < 0:
        return reciprocal(power(a, -k, zt), zt)
    if isinstance(a, Fraction):
        if (a.numerator.bit_length() + a.denominator.bit_length()) * k > _MAX_BITS:
            raise Unsupported("exact power grew past the size bound")
        return a**k
    if isinstance(a, Quad):
        out: Scalar = Fraction(1)
        base: Scalar = a
        while k:  # square and multiply, every step guarded
            if k & 1:
                out = mul(out, base)
            k >>= 1
            if k:
                base = mul(base, base)
        return out
    return normalize(to_sympy(a) ** k)


def _exact_root(m: int, q: int) -> int | None:
    """The integer q-th root of m >= 0 when m is a perfect q-th power, else None."""
    if q == 2:
        r = math.isqrt(m)
        return r if r * r == m else None
    lo, hi = 0, 1 << (m.bit_length() // q + 1)
    while lo < hi:  # largest r with r**q <= m
        mid = (lo + hi + 1) // 2
        if mid**q <= m:
            lo = mid
        else:
            hi = mid - 1
    return lo if lo**q == m else None


def rational_power(a: Scalar, p: int, q: int, zt: ZeroTest) -> Scalar:
    """a**(p/q) for q >= 2, real-valued; :class:`Singular` outside the real domain."""
    if isinstance(a, Fraction):
        if a < 0 and q % 2 == 0:
            raise Singular("even root of a negative number")
        if a.numerator.bit_length() + a.denominator.bit_length() > 2_000:
            raise Unsupported("radicand too large")
        negative = a < 0
        num = _exact_root(abs(a.numerator), q)
        den = _exact_root(a.denominator, q)
        if num is not None and den is not None:
            return power(Fraction(-num if negative else num, den), p, zt)
        zt.algebraic = True
        if q == 2:  # the common case: an exact square root in canonical form
            try:
                return power(qd.sqrt_rational(a), p, zt)
            except NotQuadratic:
                pass
        base = sympy.Rational(a.numerator, a.denominator)
        if negative:  # real odd root of a negative number
            return normalize((-((-base) ** sympy.Rational(1, q))) ** p)
        return normalize(base ** sympy.Rational(p, q))
    if isinstance(a, Quad):
        a = to_sympy(a)
    if a.free_symbols:
        return normalize(to_sympy(a) ** sympy.Rational(p, q))
    s = sign(a, zt)
    if s < 0 and q % 2 == 0:
        raise Singular("even root of a negative number")
    zt.algebraic = True
    if s < 0:
        return normalize((-((-a) ** sympy.Rational(1, q))) ** p)
    return normalize(a ** sympy.Rational(p, q))


def is_zero(a: Scalar, zt: ZeroTest) -> bool:
    """Exact zero test.

    Rationals compare directly.  A closed-form number (radicals) is first evaluated at
    ``zt.digits`` digits: clearly nonzero decides; a tiny value is decided exactly through its
    minimal polynomial (it is zero exactly when that polynomial is the variable itself); only a
    transcendental value falls back to the numerical test, and ``zt.numeric_only`` records it.
    A value with a free (unknown) symbol is zero when it cancels to zero identically.
    """
    if isinstance(a, Fraction):
        return a == 0
    if isinstance(a, Quad):  # canonical: square roots of distinct square-free m are independent
        return False
    if a == 0:
        return True
    if a.free_symbols:
        return bool(sympy.cancel(a) == 0)
    approx = a.evalf(zt.digits)
    if not approx.is_Number:
        raise Unsupported(f"cannot evaluate {a} numerically")
    if abs(approx) > sympy.Float(10) ** (-(zt.digits // 2)):
        return False
    if a.count_ops() <= 120 and not a.atoms(sympy.Function) and not a.has(sympy.pi, sympy.E):
        x = sympy.Dummy("x")
        try:
            poly = sympy.minimal_polynomial(a, x)
        except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic):
            pass
        else:
            return bool(poly == x)
    zt.numeric_only = True
    return True


def sign(a: Scalar, zt: ZeroTest) -> int:
    """The sign (-1, 0, 1) of a real value, exactly."""
    if isinstance(a, Fraction):
        return (a > 0) - (a < 0)
    if isinstance(a, Quad):
        try:
            return qd.q_sign(a)
        except NotQuadratic:
            a = to_sympy(a)
    if a.free_symbols:
        raise Unsupported("sign of an unknown")
    if is_zero(a, zt):
        return 0
    approx = a.evalf(zt.digits)
    if not approx.is_real:
        raise Singular("value is not real")
    return 1 if approx > 0 else -1


def equal(a: Scalar, b: Scalar, zt: ZeroTest) -> bool:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    return is_zero(sub(a, b), zt)


# ---------------------------------------------------------------------------------------------
# matrices
# ---------------------------------------------------------------------------------------------


def identity(size: int) -> Mat:
    one, zero = Fraction(1), Fraction(0)
    return Mat(size, size, tuple(tuple(one if i == j else zero for j in range(size)) for i in range(size)))


def zeros(rows: int, cols: int) -> Mat:
    zero = Fraction(0)
    return Mat(rows, cols, tuple((zero,) * cols for _ in range(rows)))


def mat_add(a: Mat, b: Mat) -> Mat:
    if (a.rows, a.cols) != (b.rows, b.cols):
        raise Unsupported(f"adding a {a.rows}x{a.cols} matrix to a {b.rows}x{b.cols} matrix")
    if _all_rational(a) and _all_rational(b):
        # add() without its dispatch; a zero term (most of a scaled identity) adds nothing
        rational = (
            cast(tuple[tuple[Fraction, ...], ...], a.data),
            cast(tuple[tuple[Fraction, ...], ...], b.data),
        )
        return Mat(
            a.rows,
            a.cols,
            tuple(
                tuple(_guard_bits(x + y if x and y else x or y) for x, y in zip(ra, rb, strict=True))
                for ra, rb in zip(*rational, strict=True)
            ),
        )
    return Mat(
        a.rows,
        a.cols,
        tuple(
            tuple(add(x, y) for x, y in zip(ra, rb, strict=True))
            for ra, rb in zip(a.data, b.data, strict=True)
        ),
    )


def mat_scale(c: Scalar, a: Mat) -> Mat:
    if type(c) is Fraction and _all_rational(a):
        # mul() without its dispatch; a zero entry (most of an identity) stays zero
        rows = cast(tuple[tuple[Fraction, ...], ...], a.data)
        return Mat(a.rows, a.cols, tuple(tuple(_guard_bits(c * x) if x else x for x in row) for row in rows))
    return Mat(a.rows, a.cols, tuple(tuple(mul(c, x) for x in row) for row in a.data))


def _all_rational(m: Mat) -> bool:
    return all(type(v) is Fraction for row in m.data for v in row)


def _over_common_denominator(values: Sequence[Fraction]) -> tuple[list[int], int]:
    """Integers n_k and one denominator q (the lcm) with values[k] == n_k / q."""
    den = math.lcm(*(v.denominator for v in values))
    return [v.numerator * (den // v.denominator) for v in values], den


def mat_mul(a: Mat, b: Mat) -> Mat:
    if a.cols != b.rows:
        raise Unsupported(f"multiplying a {a.rows}x{a.cols} matrix by a {b.rows}x{b.cols} matrix")
    cols = tuple(zip(*b.data, strict=True)) if b.rows else ((),) * b.cols
    if _all_rational(a) and _all_rational(b):
        # Each row of a over one denominator p, each column of b over one q: an entry of the
        # product is an integer dot product over p·q, reduced once (much faster than Fraction ops).
        rows = [_over_common_denominator(row) for row in cast(tuple[tuple[Fraction, ...], ...], a.data)]
        columns = [_over_common_denominator(col) for col in cast(tuple[tuple[Fraction, ...], ...], cols)]
        return Mat(
            a.rows,
            b.cols,
            tuple(
                tuple(_guard_bits(Fraction(sum(map(operator.mul, rn, cn)), rd * cd)) for cn, cd in columns)
                for rn, rd in rows
            ),
        )
    out = []
    for row in a.data:
        out_row = []
        for col in cols:
            acc: Scalar = Fraction(0)
            for x, y in zip(row, col, strict=True):
                acc = add(acc, mul(x, y))
            out_row.append(acc)
        out.append(tuple(out_row))
    return Mat(a.rows, b.cols, tuple(out))


def transpose(a: Mat) -> Mat:
    return Mat(a.cols, a.rows, tuple(zip(*a.data, strict=True)) if a.rows else ())


def _eliminate(rows: list[list[Scalar]], ncols: int, zt: ZeroTest) -> tuple[list[list[Scalar]], list[int]]:
    """Gauss-Jordan elimination in place over the first ``ncols`` columns; the pivot columns."""
    pivots: list[int] = []
    r = 0
    for c in range(ncols):
        pivot = next((i for i in range(r, len(rows)) if not is_zero(rows[i][c], zt)), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        inv = reciprocal(rows[r][c], zt)
        rows[r] = [mul(inv, v) for v in rows[r]]
        for i in range(len(rows)):
            if i != r and not is_zero(rows[i][c], zt):
                f = rows[i][c]
                if (
                    type(f) is Fraction
                    and all(type(v) is Fraction for v in rows[r])
                    and all(type(v) is Fraction for v in rows[i])
                ):
                    rational_i, rational_r = cast(list[Fraction], rows[i]), cast(list[Fraction], rows[r])
                    rows[i] = [_guard_bits(v - f * p) for v, p in zip(rational_i, rational_r, strict=True)]
                else:
                    rows[i] = [sub(v, mul(f, p)) for v, p in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    return rows, pivots


def inverse(a: Mat, zt: ZeroTest) -> Mat:
    """The exact inverse; :class:`Singular` when the matrix is singular."""
    if a.rows != a.cols:
        raise Unsupported(f"inverse of a non-square {a.rows}x{a.cols} matrix")
    n = a.rows
    if n <= _FAST_INVERSE_SIZE and _all_rational(a) and _small_entries(a):
        return _integer_inverse(a)
    one, zero = Fraction(1), Fraction(0)
    rows: list[list[Scalar]] = [[*a.data[i], *(one if i == j else zero for j in range(n))] for i in range(n)]
    rows, pivots = _eliminate(rows, n, zt)
    if len(pivots) < n:
        raise Singular("inverse of a singular matrix")
    return Mat(n, n, tuple(tuple(row[n:]) for row in rows))


# The integer fast path of :func:`inverse`: small matrices of small rationals, where neither path
# comes near the size bound (_MAX_BITS), so both give the same exact inverse or both Singular.
_FAST_INVERSE_SIZE = 8
_FAST_INVERSE_BITS = 256


def _small_entries(a: Mat) -> bool:
    return all(
        v.numerator.bit_length() + v.denominator.bit_length() <= _FAST_INVERSE_BITS
        for row in cast(tuple[tuple[Fraction, ...], ...], a.data)
        for v in row
    )


def _integer_inverse(a: Mat) -> Mat:
    """The exact inverse of a small rational matrix by Gauss-Jordan on integer rows.

    Each row of [A | I] is scaled to integers; elimination combines rows without dividing
    (``row_i * pivot - f * row_r``, then divided by the row's gcd), and the inverse's row r is
    its right half over its pivot.  The inverse is unique: the values equal the Fraction path's.
    """
    n = a.rows
    rows: list[list[int]] = []
    for i, row in enumerate(cast(tuple[tuple[Fraction, ...], ...], a.data)):
        scale = math.lcm(*(v.denominator for v in row))
        rows.append(
            [v.numerator * (scale // v.denominator) for v in row] + [scale if i == j else 0 for j in range(n)]
        )
    for c in range(n):
        pivot = next((i for i in range(c, n) if rows[i][c] != 0), None)
        if pivot is None:
            raise Singular("inverse of a singular matrix")
        rows[c], rows[pivot] = rows[pivot], rows[c]
        p_row = rows[c]
        p = p_row[c]
        for i in range(n):
            f = rows[i][c]
            if i == c or f == 0:
                continue
            new = [v * p - f * w for v, w in zip(rows[i], p_row, strict=True)]
            g = math.gcd(*new)
            rows[i] = [v // g for v in new] if g > 1 else new
    return Mat(n, n, tuple(tuple(Fraction(v, rows[r][r]) for v in rows[r][n:]) for r in range(n)))


def determinant(a: Mat, zt: ZeroTest) -> Scalar:
    if a.rows != a.cols:
        raise Unsupported("determinant of a non-square matrix")
    rows = [list(r) for r in a.data]
    det: Scalar = Fraction(1)
    n = a.rows
    for c in range(n):
        pivot = next((i for i in range(c, n) if not is_zero(rows[i][c], zt)), None)
        if pivot is None:
            return Fraction(0)
        if pivot != c:
            rows[c], rows[pivot] = rows[pivot], rows[c]
            det = mul(det, Fraction(-1))
        det = mul(det, rows[c][c])
        inv = reciprocal(rows[c][c], zt)
        for i in range(c + 1, n):
            f = mul(rows[i][c], inv)
            rows[i] = [sub(v, mul(f, p)) for v, p in zip(rows[i], rows[c], strict=True)]
    return det


def solve_affine(
    a_rows: Sequence[Sequence[Scalar]], rhs: Sequence[Scalar], free_values: Sequence[Scalar], zt: ZeroTest
) -> list[Scalar]:
    """One exact solution of ``A u = rhs``.

    Free variables (when A is rank deficient) take ``free_values`` in order, so the solution is a
    random member of the solution set when those values are random.

    Raises:
        Singular: the system is inconsistent.
    """
    ncols = len(free_values)
    rows: list[list[Scalar]] = [[*row, b] for row, b in zip(a_rows, rhs, strict=True)]
    rows, pivots = _eliminate(rows, ncols, zt)
    for row in rows[len(pivots) :]:
        if not is_zero(row[ncols], zt):
            raise Singular("the equation has no solution at this point")
    solution: list[Scalar] = list(free_values)
    free = [c for c in range(ncols) if c not in pivots]
    for r, c in enumerate(pivots):
        acc = rows[r][ncols]
        for f in free:
            acc = sub(acc, mul(rows[r][f], solution[f]))
        solution[c] = acc
    return solution
