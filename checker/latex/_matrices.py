"""Matrices as written: literals (``bmatrix``, ``pmatrix``, ``vmatrix``), norms (``\\|w\\|``,
``\\|w\\|_1``, ``\\|A\\|_F``), absolute values and the element-wise product ``\\odot``.

A norm is read when its subscript is known: ``\\|...\\|`` builds a :class:`NormOf`, which the
subscript that follows (``_F``, ``_1``, ``_2``, ``_\\infty``) or, without one, the Euclidean norm of a
vector or scalar turns into a value.  The norm of a matrix without a subscript is refused: it is
the spectral norm to some and the Frobenius norm to others.
"""

from __future__ import annotations

import sympy
from lark import Token
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from checker.errors import ShapeError, UnsupportedConstructError
from checker.symbols import MaxAbsEntry

from . import _algebra as alg
from ._algebra import Item, Unsized
from ._base import NormOf, Rules, Span
from ._symbols import script_text

__all__ = ["MatrixRules"]

_MAX_SIZE = 8
_INDEX = sympy.Symbol("_j", integer=True)  # a summation index no key symbol can be named


class MatrixRules(Rules):
    """Matrix literals, norms, bars and ``\\odot``."""

    def rows(self, span: Span, *rows: list[Item]) -> list[list[Item]]:
        return list(rows)

    def row(self, span: Span, *entries: Item) -> list[Item]:
        return list(entries)

    def _literal(self, span: Span, rows: list[list[Item]]) -> sympy.ImmutableMatrix:
        width = len(rows[0])
        if any(len(row) != width for row in rows):
            raise self.ctx.fail(
                ShapeError,
                f"expected every row of the matrix to have {width} entries, found rows of "
                f"{sorted({len(r) for r in rows})} entries; fix: add the missing entries",
                *span,
            )
        if len(rows) > _MAX_SIZE or width > _MAX_SIZE:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a matrix literal of at most {_MAX_SIZE}×{_MAX_SIZE}, found {len(rows)}×{width}; "
                "fix: write it with symbols",
                *span,
            )
        entries: list[list[sympy.Expr]] = []
        for row in rows:
            out = []
            for raw in row:
                item = self._value(raw)
                if not isinstance(item.value, sympy.Expr) or isinstance(item.value, MatrixExpr):
                    raise self.ctx.fail(
                        UnsupportedConstructError,
                        f"expected scalar entries in a matrix literal, found {self.ctx.text(item)}; "
                        "fix: write block matrices out entry by entry",
                        item.start,
                        item.end,
                    )
                out.append(item.value)
            entries.append(out)
        return sympy.ImmutableMatrix(entries)

    def matrix(self, span: Span, rows: list[list[Item]]) -> Item:
        literal = self._literal(span, rows)
        return Item(alg.collapse(literal) if literal.shape == (1, 1) else literal, *span)

    def det_matrix(self, span: Span, rows: list[list[Item]]) -> Item:
        literal = self._literal(span, rows)
        if literal.rows != literal.cols:
            raise self.ctx.fail(
                ShapeError,
                f"expected a square matrix inside vmatrix (a determinant), found {literal.rows}×{literal.cols}; "
                "fix: check the rows",
                *span,
            )
        return Item(sympy.expand(literal.det(method="berkowitz")), *span)

    # ---- norms and bars ----------------------------------------------------------------------

    def norm(self, span: Span, expr: Item) -> Item:
        return Item(NormOf(self._value(expr)), *span, kind="norm")

    def abs(self, span: Span, expr: Item) -> Item:
        return Item(self._magnitude(self._value(expr)), *span)

    def norm_value(self, item: Item, sub: Token | None) -> Item:
        """The value of ``\\|inner\\|`` with subscript ``sub`` (None: the Euclidean norm)."""
        assert isinstance(item.value, NormOf)
        inner = item.value.inner
        value = inner.value
        which = "2" if sub is None else script_text(str(sub))
        end = item.end if sub is None else (sub.end_pos or item.end)
        dims = alg.shape(value)
        vector = dims is not None and (dims[0] == 1 or dims[1] == 1)
        if dims is None or (vector and which == "2"):
            return Item(self._magnitude(inner), item.start, end, kind="norm_done")
        assert isinstance(value, MatrixExpr)
        if which == "F":
            square = alg.collapse(sympy.MatMul(sympy.Transpose(value), value))
            trace = square if alg.shape(square) is None else sympy.Trace(square)
            return Item(sympy.sqrt(trace), item.start, end, kind="norm_done")
        if vector and which == "1":
            column = sympy.Transpose(value) if dims[0] == 1 else value
            entry = MatrixElement(column, _INDEX, 0)
            total = sympy.Sum(sympy.Abs(entry), (_INDEX, 0, column.shape[0] - 1))
            return Item(total, item.start, end, kind="norm_done")
        if vector and which == "\\infty":
            return Item(MaxAbsEntry(value), item.start, end, kind="norm_done")
        raise self.ctx.fail(
            UnsupportedConstructError,
            f"expected a norm we read (\\|v\\|, \\|v\\|_1, \\|v\\|_2 of a vector, \\|A\\|_F of a matrix), found "
            f"the {'sub' if sub is not None else ''}script {which} on {self.ctx.text(inner)} of shape "
            f"{alg.fmt_shape(dims)}; fix: write the norm out",
            item.start,
            end,
        )

    def _magnitude(self, item: Item) -> object:
        value = item.value
        dims = alg.shape(value)
        if dims is None and isinstance(value, sympy.Expr):
            return sympy.Abs(value)
        if dims is not None and (dims[0] == 1 or dims[1] == 1):
            column = sympy.Transpose(value) if dims[0] == 1 else value
            return sympy.sqrt(alg.collapse(sympy.MatMul(sympy.Transpose(column), column)))
        raise self.ctx.fail(
            UnsupportedConstructError,
            f"expected the norm of a vector or a scalar, found {self.ctx.text(item)} of shape "
            f"{'I' if isinstance(value, Unsized) else alg.fmt_shape(dims)}; fix: write the matrix norm out "
            "(\\|A\\|_F for the Frobenius norm)",
            item.start,
            item.end,
        )

    # ---- the element-wise product ------------------------------------------------------------

    def hadamard(self, left: Item, right: Item) -> object:
        a, b = left.value, right.value
        sa, sb = alg.shape(a), alg.shape(b)
        if sa is None and sb is None and not isinstance(a, Unsized) and not isinstance(b, Unsized):
            return sympy.Mul(a, b)
        if sa is not None and sa == sb:
            return sympy.HadamardProduct(a, b)
        raise self.ctx.fail(
            ShapeError,
            f"expected two matrices of one shape around \\odot, found {self.ctx.text(left)} of shape "
            f"{alg.fmt_shape(sa)} and {self.ctx.text(right)} of shape {alg.fmt_shape(sb)}; "
            "fix: check the shapes",
            left.start,
            right.end,
        )
