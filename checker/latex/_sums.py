"""Integrals and limits: ``\\int_a^b f\\,dx``, ``\\lim_{x \\to a} f``, read and left to the engine.

Sums and products over an index (``\\sum_j w_j x_j``, ``\\prod_i``) are index notation
(:mod:`._indexed`); ``\\nabla_w`` is calculus (:mod:`._calculus`).
"""

from __future__ import annotations

import sympy
from lark import Token
from sympy.matrices.expressions.matexpr import MatrixExpr

from checker.errors import ShapeError, UnknownSymbolError, UnsupportedConstructError

from ._algebra import Item
from ._base import Rules, Span
from ._symbols import NameRef, make_key

__all__ = ["SumRules"]


class SumRules(Rules):
    """``\\int`` and ``\\lim`` (the other big operators are :class:`~._indexed.IndexedRules`)."""

    def limit(self, span: Span, *children: Item | Token) -> Item:
        """``\\lim_{x \\to a} f`` as a SymPy Limit over a declared scalar (left undecided by the engine)."""
        var_item, target, *rest = children
        body = self._value(rest[-1])  # type: ignore[arg-type]
        side = next((str(c) for c in rest if isinstance(c, Token)), "")
        assert isinstance(var_item, Item) and isinstance(target, Item)
        var = self._value(var_item).value
        if not isinstance(var, sympy.Symbol):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a declared scalar before \\to, found {self.ctx.text(var_item)}; fix: write \\lim_{{x \\to a}}",
                var_item.start,
                var_item.end,
            )
        value = body.value
        if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
            raise self.ctx.fail(
                ShapeError,
                f"expected a scalar under \\lim, found {self.ctx.text(body)}",
                body.start,
                body.end,
            )
        direction = {"\ue035": "+", "\ue036": "-"}.get(side, "+-")
        return Item(sympy.Limit(value, var, self._value(target).value, dir=direction), *span)

    def lower(self, span: Span, expr: Item) -> Item:
        return Item(self._value(expr).value, *span, kind="lower")

    def integral(self, span: Span, *children: Item | Token) -> Item:
        """``\\int_a^b f\\,dx`` as a SymPy Integral of a scalar integrand over a declared scalar.

        The engine does not evaluate integrals: an answer holding one is read (never guessed) and
        then left undecided for a TA.
        """
        diff = children[-1]
        body = self._value(children[-2])  # type: ignore[arg-type]
        assert isinstance(diff, Token)
        name = str(diff)[1:-1]
        spec = self.resolver.lookup(make_key(NameRef("", name), []))
        if spec is None or spec.shape != "scalar":
            raise self.ctx.fail(
                UnknownSymbolError,
                f"expected d followed by a declared scalar ({self.resolver.declared()}), found d{name}; "
                "fix: integrate over a symbol of the question",
                diff.start_pos or 0,
                diff.end_pos or 0,
            )
        var = self.resolver.symbol(spec)
        value = body.value
        if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
            raise self.ctx.fail(
                ShapeError,
                f"expected a scalar integrand, found {self.ctx.text(body)}; fix: integrate a scalar",
                body.start,
                body.end,
            )
        limits = {c.kind: c.value for c in children[:-2] if isinstance(c, Item)}
        if ("lower" in limits) != ("sup" in limits):
            raise self.ctx.fail(
                UnsupportedConstructError,
                "expected both limits of a definite integral or none, found one; fix: write \\int_a^b",
                *span,
            )
        bounds = (var, limits["lower"], limits["sup"]) if limits else (var,)
        return Item(sympy.Integral(value, bounds), *span)
