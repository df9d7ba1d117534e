"""Typed operations on parsed values: products keep their order, shapes are checked, 1×1 collapses.

A value is a SymPy scalar expression, a SymPy matrix expression, or :class:`Unsized` (a multiple of
the identity whose size is not known yet: ``2 n \\lambda I`` before it meets ``X^T X``).  Every
operation takes :class:`Item` operands (value plus span) so a shape error can name both operands as
the student wrote them and point at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from checker.caches import memo
from checker.config import ParseOptions
from checker.errors import CheckerError, ShapeError, UnsupportedConstructError

from ._normalize import Normalized

__all__ = [
    "Ctx",
    "Item",
    "Unsized",
    "add",
    "collapse",
    "divide",
    "fmt_shape",
    "multiply",
    "negate",
    "power",
    "shape",
    "size_to",
    "transpose",
]

_MAX_BITS = 20_000  # largest exact number (in bits) that a literal power may produce


@memo(maxsize=4096)
def _matmul(*factors: sympy.Basic) -> sympy.Basic:
    """SymPy's canonical product of ``factors`` in order (``MatMul(..., evaluate=True)``).

    Canonicalizing costs 50–70 µs a product, the largest part of building an answer, and answers
    to one question share their sub-products (``X^T X``, ``X^T t``), so it is memoized, as SymPy
    memoizes ``Add`` and ``Mul``: a pure function of immutable values, equal factors give the
    identical product.
    """
    return sympy.MatMul(*factors, evaluate=True)


@dataclass(frozen=True)
class Unsized:
    """``coeff`` times the identity, size not known yet (it comes from context)."""

    coeff: sympy.Expr


@dataclass(frozen=True)
class Item:
    """A value with its span in the normalized text; ``kind`` tags values that scripts treat specially."""

    value: object
    start: int
    end: int
    kind: str = ""


@dataclass
class Ctx:
    """Per-parse state: the text (for messages and spans), options, notes."""

    norm: Normalized
    options: ParseOptions
    notes: list[str] = field(default_factory=list)

    def fail(self, cls: type[CheckerError], message: str, start: int, end: int) -> CheckerError:
        """Build ``cls`` with the span mapped back into the source."""
        src_start, src_end, approximate = self.norm.span(start, end)
        return cls(message, source=self.norm.source, start=src_start, end=src_end, approximate=approximate)

    def text(self, item: Item) -> str:
        """The source text of ``item``, whitespace collapsed, shortened for messages."""
        start, end, _ = self.norm.span(item.start, item.end)
        words = " ".join(self.norm.source[start:end].split())
        return words if len(words) <= 40 else words[:37] + "..."

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


def shape(value: object) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The shape of a matrix value, None for scalars and unsized identities."""
    if isinstance(value, MatrixExpr):
        rows, cols = value.shape
        return (rows, cols)
    return None


def fmt_shape(dims: tuple[sympy.Expr, sympy.Expr] | None) -> str:
    """``n×d`` (or ``scalar``)."""
    if dims is None:
        return "scalar"
    return f"{sympy.sstr(dims[0])}×{sympy.sstr(dims[1])}"


def _is_one(dim: sympy.Expr) -> bool:
    return bool(dim == 1)


def collapse(value: sympy.Basic) -> sympy.Basic:
    """A literal 1×1 matrix expression as the scalar ``coeff * M[0, 0]``; anything else unchanged."""
    dims = shape(value)
    if dims is None or not (_is_one(dims[0]) and _is_one(dims[1])):
        return value
    if isinstance(value, sympy.MatMul):
        coeff, matrices = value.as_coeff_matrices()
        inner = matrices[0] if len(matrices) == 1 else sympy.MatMul(*matrices)
        return sympy.Mul(coeff, MatrixElement(inner, 0, 0))
    return MatrixElement(value, 0, 0)


def _scalar_times(coeff: sympy.Expr, matrix: sympy.Basic) -> sympy.Basic:
    if coeff == 1:
        return matrix
    if coeff == 0:
        return sympy.ZeroMatrix(*matrix.shape)
    return _matmul(coeff, matrix)


def size_to(value: Unsized, size: sympy.Expr) -> sympy.Basic:
    """The unsized identity multiple as a ``size``×``size`` matrix."""
    return _scalar_times(value.coeff, sympy.Identity(size))


def negate(value: object) -> object:
    """``-value`` for any value."""
    if isinstance(value, Unsized):
        return Unsized(-value.coeff)
    if isinstance(value, MatrixExpr):
        return _matmul(sympy.Integer(-1), value)
    assert isinstance(value, sympy.Expr)
    return -value


def transpose(value: object) -> object:
    """The transpose; scalars and the identity are their own transpose."""
    if isinstance(value, sympy.Transpose):
        return value.arg
    if isinstance(value, MatrixExpr) and not isinstance(value, sympy.Identity):
        return sympy.Transpose(value)
    return value


def _column(value: sympy.Basic) -> bool:
    dims = shape(value)
    return dims is not None and _is_one(dims[1]) and not _is_one(dims[0])


def multiply(ctx: Ctx, left: Item, right: Item, op: str) -> object:
    """``left · right`` keeping the order, checking shapes, collapsing a 1×1 result.

    Raises:
        ShapeError: naming both factors and their shapes.
    """
    a, b = left.value, right.value
    if isinstance(a, Unsized) and isinstance(b, Unsized):
        return Unsized(a.coeff * b.coeff)
    if isinstance(a, Unsized):
        if isinstance(b, MatrixExpr):
            return _scalar_times(a.coeff, b)
        return Unsized(a.coeff * b)
    if isinstance(b, Unsized):
        if isinstance(a, MatrixExpr):
            return _scalar_times(b.coeff, a)
        return Unsized(a * b.coeff)
    sa, sb = shape(a), shape(b)
    if sa is None and sb is None:
        return sympy.Mul(a, b)
    if sa is None:
        return _scalar_times(a, b)
    if sb is None:
        return _matmul(b, a)
    assert isinstance(a, MatrixExpr) and isinstance(b, MatrixExpr)
    if sa[1] == sb[0]:
        return collapse(_matmul(a, b))
    if _column(a) and _column(b) and sa[0] == sb[0]:
        if op == "\\cdot":
            ctx.note(
                f"read {ctx.text(left)} \\cdot {ctx.text(right)} as a dot product {ctx.text(left)}^T {ctx.text(right)}"
            )
            return collapse(sympy.MatMul(sympy.Transpose(a), b))
        if ctx.options.vector_shorthand:
            ctx.note(
                f"read {ctx.text(left)} {ctx.text(right)} as {ctx.text(left)}^T {ctx.text(right)} (1-D vector shorthand)"
            )
            return collapse(sympy.MatMul(sympy.Transpose(a), b))
    raise ctx.fail(
        ShapeError,
        f"{ctx.text(left)} {ctx.text(right)}: left factor {ctx.text(left)} is {fmt_shape(sa)}, right factor "
        f"{ctx.text(right)} is {fmt_shape(sb)}; a product needs left columns = right rows; "
        "fix: add the missing transpose or reorder the product",
        left.start,
        right.end,
    )


def divide(ctx: Ctx, num: Item, den: Item) -> object:
    """``num / den``; the denominator must be a nonzero scalar.

    Raises:
        ShapeError: a matrix denominator.
        UnsupportedConstructError: a literal zero denominator.
    """
    d = den.value
    if isinstance(d, Unsized):
        d = d.coeff
    if shape(d) is not None:
        raise ctx.fail(
            ShapeError,
            f"expected a scalar denominator, found {ctx.text(den)} of shape {fmt_shape(shape(d))}; "
            "fix: multiply by the inverse, A^{-1}, in the right order",
            den.start,
            den.end,
        )
    assert isinstance(d, sympy.Expr)
    if d == 0:
        raise ctx.fail(
            UnsupportedConstructError,
            "expected a nonzero denominator, found 0; fix: check the fraction",
            den.start,
            den.end,
        )
    inverse = sympy.Pow(d, -1)
    n = num.value
    if isinstance(n, Unsized):
        return Unsized(n.coeff * inverse)
    if isinstance(n, MatrixExpr):
        return _scalar_times(inverse, n)
    assert isinstance(n, sympy.Expr)
    return sympy.Mul(n, inverse)


def add(ctx: Ctx, terms: list[tuple[int, Item]]) -> object:
    """The sum of ``(sign, term)`` pairs; all matrix terms must share one shape.

    Scalar 0 next to matrices is the zero matrix; an unsized identity takes the common square shape;
    next to scalars only, an unsized identity is the 1×1 identity, the number 1.

    Raises:
        ShapeError: naming the two terms whose shapes differ.
    """
    values = [(Item(negate(t.value) if sign < 0 else t.value, t.start, t.end), t) for sign, t in terms]
    target: Item | None = next((orig for val, orig in values if shape(val.value) is not None), None)
    if target is None:
        scalars = [val.value.coeff if isinstance(val.value, Unsized) else val.value for val, _ in values]
        if all(isinstance(val.value, Unsized) for val, _ in values):
            return Unsized(sympy.Add(*scalars))
        if any(isinstance(val.value, Unsized) for val, _ in values):
            ctx.note("read I as the number 1 (a 1×1 identity next to scalars)")
        return sympy.Add(*scalars)
    dims = shape(target.value)
    assert dims is not None
    out: list[sympy.Basic] = []
    for val, orig in values:
        v = val.value
        if isinstance(v, Unsized):
            if dims[0] != dims[1]:
                raise ctx.fail(
                    ShapeError,
                    f"expected square terms in a sum with I, found {ctx.text(orig)} (a multiple of I) next to "
                    f"{ctx.text(target)} of shape {fmt_shape(dims)}; fix: check the shapes of the terms",
                    orig.start,
                    orig.end,
                )
            out.append(size_to(v, dims[0]))
            continue
        vs = shape(v)
        if (vs is None and v == 0) or (isinstance(v, sympy.ZeroMatrix) and vs == dims):
            continue
        if vs is None and ctx.options.untyped and dims[0] == dims[1]:
            out.append(v * sympy.Identity(dims[0]))  # untyped: a scalar next to a square matrix is cI
            continue
        if vs != dims:
            raise ctx.fail(
                ShapeError,
                f"expected terms of one shape, found {ctx.text(target)} of shape {fmt_shape(dims)} and "
                f"{ctx.text(orig)} of shape {fmt_shape(vs)}; fix: every term of a sum needs the same shape",
                orig.start,
                orig.end,
            )
        out.extend(v.args if isinstance(v, sympy.MatAdd) else [v])
    if not out:
        return sympy.ZeroMatrix(*dims)
    return out[0] if len(out) == 1 else sympy.MatAdd(*out)


def _guard_exponent(ctx: Ctx, base: object, exp: Item) -> None:
    e = exp.value
    if isinstance(e, sympy.Number) and e.is_finite:
        if abs(e) > ctx.options.max_exponent:
            raise ctx.fail(
                UnsupportedConstructError,
                f"expected an exponent of magnitude at most max_exponent={ctx.options.max_exponent}, "
                f"found exponent={sympy.sstr(e)}; fix: simplify the power",
                exp.start,
                exp.end,
            )
        if isinstance(base, sympy.Rational) and isinstance(e, sympy.Rational):
            bits = max(abs(base.p).bit_length(), base.q.bit_length()) * abs(e)
            if bits > _MAX_BITS:
                raise ctx.fail(
                    UnsupportedConstructError,
                    f"expected numbers of at most {_MAX_BITS} bits, found a power with about {int(bits)} bits; "
                    "fix: simplify the power",
                    exp.start,
                    exp.end,
                )


def power(ctx: Ctx, base: Item, exp: Item) -> object:
    """``base ^ exp``: scalars, square matrices (``^{-1}`` is the inverse), 1-D shorthand ``X^2``.

    Raises:
        ShapeError: a non-square matrix raised to a power, a matrix exponent.
        UnsupportedConstructError: an exponent larger than ``max_exponent``.
    """
    e = exp.value
    if isinstance(e, Unsized) or shape(e) is not None:
        raise ctx.fail(
            ShapeError,
            f"expected a scalar exponent, found {ctx.text(exp)} of shape "
            f"{'I' if isinstance(e, Unsized) else fmt_shape(shape(e))}; fix: exponents are scalars",
            exp.start,
            exp.end,
        )
    assert isinstance(e, sympy.Expr)
    b = base.value
    _guard_exponent(ctx, b, exp)
    if isinstance(b, Unsized):
        return Unsized(b.coeff**e)
    dims = shape(b)
    if dims is None:
        return _scalar_power(b, e)
    assert isinstance(b, MatrixExpr)
    if dims[0] != dims[1]:
        if e == 2 and _column(b) and ctx.options.vector_shorthand:
            ctx.note(f"read {ctx.text(base)}^2 as {ctx.text(base)}^T {ctx.text(base)} (1-D vector shorthand)")
            return collapse(sympy.MatMul(sympy.Transpose(b), b))
        raise ctx.fail(
            ShapeError,
            f"expected a square matrix under a power, found {ctx.text(base)} of shape {fmt_shape(dims)}; "
            "fix: write the product with a transpose, e.g. X^T X",
            base.start,
            exp.end,
        )
    if e == 1:
        return b
    if e == 0:
        return sympy.Identity(dims[0])
    if e == -1:
        return sympy.Inverse(b)
    if isinstance(e, sympy.Integer) and e < 0:
        return sympy.Inverse(sympy.MatPow(b, -e))
    if isinstance(e, sympy.Rational):
        return sympy.MatPow(b, e)
    raise ctx.fail(
        UnsupportedConstructError,
        f"expected a numeric power of a matrix, found exponent={ctx.text(exp)}; fix: use an integer power",
        exp.start,
        exp.end,
    )


def _scalar_power(b: sympy.Expr, e: sympy.Expr) -> sympy.Expr:
    """``b^e`` for scalars; a root of a product is kept whole (√(ab) stays √(ab)): SymPy would
    decide the sign of every factor to pull the positive ones out, which costs more than the rest
    of the reading, and the engine values both forms alike."""
    if isinstance(e, sympy.Rational) and not e.is_Integer and isinstance(b, sympy.Mul):
        return sympy.Pow(b, e, evaluate=False)
    return sympy.Pow(b, e)
