"""Big operators and index notation: ``\\sum_j w_j x_j``, ``\\nabla_w``, components ``w_j``.

This family reads a sum only where it is a vector product in disguise (each term a product of
two components ``u_j v_j``, or a summand free of the index with explicit bounds).  A summand that
depends on its index in any other way is refused by :meth:`SumRules.index_dependent_summand`, the
one place to replace when indexed sums are read in general: it is never read as count × summand.
"""

from __future__ import annotations

import sympy
from lark import Token
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from checker.errors import ShapeError, UnknownSymbolError, UnsupportedConstructError
from checker.symbols import shape_of
from checker.table import SymbolSpec

from . import _algebra as alg
from ._algebra import Item
from ._base import Placeholder, Rules, Span
from ._symbols import NameRef, make_key, script_text

__all__ = ["SumRules"]


class SumRules(Rules):
    """``\\sum``, ``\\nabla`` and vector components ``w_j``."""

    def bigsum(self, span: Span, *children: Item | Token) -> Item:
        start, end = span
        sub = next((c for c in children if isinstance(c, Token) and c.type == "SUB"), None)
        upper = next((c for c in children if isinstance(c, Item) and c.kind == "sup"), None)
        body = self._value(children[-1])  # type: ignore[arg-type]
        if sub is None:
            raise self.ctx.fail(
                UnsupportedConstructError,
                "expected \\sum with an index, found none; fix: write \\sum_j w_j x_j",
                start,
                end,
            )
        index, _, lower = script_text(sub).partition("=")
        return Item(self._sum(index, lower, upper, body, start=start, end=end), start, end)

    def _sum(self, index: str, lower: str, upper: Item | None, body: Item, *, start: int, end: int) -> object:
        value = body.value
        if not isinstance(value, sympy.Expr) or isinstance(value, MatrixExpr):
            raise self.ctx.fail(
                UnsupportedConstructError,
                "expected a scalar summand under \\sum, found a matrix; fix: write the matrix product",
                body.start,
                body.end,
            )
        mine = {s: p for s, p in self.placeholders.items() if p.index == index}
        total: list[sympy.Expr] = []
        for term in sympy.Add.make_args(sympy.expand(value)):
            powers = term.as_powers_dict()
            parts = [(self.placeholders[s], int(k)) for s, k in powers.items() if s in mine and k.is_Integer]
            degree = sum(k for _, k in parts)
            rest = term
            for s in mine:
                rest = rest.subs(s, 1) if s in powers else rest
            if degree == 0 and not (rest.free_symbols & set(mine)):
                self.index_dependent_summand(index, term, body, start=start, end=end)
                if upper is None or lower not in ("1", ""):
                    raise self.ctx.fail(
                        UnsupportedConstructError,
                        f"expected a summand with components _{index} of declared vectors, found "
                        f"{self.ctx.text(body)}; fix: write the sum as a vector product, e.g. w^T x",
                        start,
                        end,
                    )
                total.append(term * upper.value)
                continue
            vectors = [p.vector for p, k in parts for _ in range(k)]
            if degree != 2 or rest.free_symbols & set(mine):
                raise self.ctx.fail(
                    UnsupportedConstructError,
                    f"expected each term of \\sum_{index} to be a product of two components u_{index} v_{index}, "
                    f"found {self.ctx.text(body)}; fix: write it as a vector product, e.g. w^T x",
                    start,
                    end,
                )
            u, v = (self._as_column(m) for m in vectors)
            if u.shape[0] != v.shape[0]:
                raise self.ctx.fail(
                    ShapeError,
                    f"expected components of vectors of one length, found {vectors[0].name} of length "
                    f"{u.shape[0]} and {vectors[1].name} of length {v.shape[0]}",
                    start,
                    end,
                )
            self._check_bounds(index, lower, upper, u.shape[0], start=start, end=end)
            total.append(rest * alg.collapse(sympy.MatMul(sympy.Transpose(u), v)))
        return sympy.Add(*total)

    def _check_bounds(
        self, index: str, lower: str, upper: Item | None, length: sympy.Expr, *, start: int, end: int
    ) -> None:
        """``\\sum_{j=1}^{d}`` over a vector of length d: the written bounds must cover its components."""
        if upper is None or not lower.strip().isdigit() or not isinstance(upper.value, sympy.Expr):
            return
        count = upper.value - int(lower) + 1
        if sympy.simplify(count - length) != 0:
            raise self.ctx.fail(
                ShapeError,
                f"expected \\sum_{index} to run over the {sympy.sstr(length)} components of the vectors, "
                f"found {sympy.sstr(count)} terms; fix: write the bounds 1 to {sympy.sstr(length)}",
                start,
                end,
            )

    def index_dependent_summand(
        self, index: str, term: sympy.Expr, body: Item, *, start: int, end: int
    ) -> None:
        """Refuse a summand that depends on its index other than through vector components.

        ``\\sum_{k=1}^{10} k^2`` with ``k`` a declared symbol is not 10k²: until sums with
        index-dependent summands are read, such a sum is ``unparsed`` with this message.

        Raises:
            UnsupportedConstructError: when ``term`` mentions the index ``index``.
        """
        spec = self.resolver.lookup(make_key(NameRef("", index), []))
        mentioned = {s.name for s in term.free_symbols if isinstance(s, sympy.Symbol)}
        if index in mentioned or (spec is not None and spec.name in mentioned):
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a summand of \\sum_{index} that does not depend on {index} (or a product "
                f"of vector components u_{index} v_{index}), found {self.ctx.text(body)}, which depends "
                f"on the index {index}; fix: write the sum in closed form (sums over an index are not "
                "read yet)",
                start,
                end,
            )

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

    @staticmethod
    def _as_column(m: sympy.MatrixSymbol) -> sympy.Basic:
        return sympy.Transpose(m) if m.shape[0] == 1 else m

    def nabla(self, span: Span, sub: Token, body: Item) -> Item:
        start, end = span
        name = script_text(sub)
        spec = self.resolver.lookup(make_key(NameRef("", name), []))
        if spec is None or spec.shape == "identity":
            raise self.ctx.fail(
                UnknownSymbolError,
                f"expected \\nabla_v with v a declared symbol ({self.resolver.declared()}), found v={name}; fix: differentiate with respect to a declared vector",
                start,
                end,
            )
        var = self.resolver.symbol(spec)
        value = self._value(body).value
        target = value.args[0] if isinstance(value, MatrixElement) else value
        try:
            grad = target.diff(var)  # type: ignore[union-attr]
        except MemoryError:
            raise  # the budget's, never an unsupported construct
        except Exception as exc:  # SymPy refuses some matrix derivatives
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a gradient SymPy can take, found \\nabla_{name} of {self.ctx.text(body)}; "
                "fix: write the gradient out",
                start,
                end,
            ) from exc
        if isinstance(grad, MatrixExpr) and grad.shape[0] == 1 and grad.shape[1] != 1:
            grad = sympy.Transpose(grad)
        return Item(alg.collapse(grad), start, end)

    def _component(self, spec: SymbolSpec, primary: Item, sub: Token) -> Item | None:
        """``w_j`` for a declared vector ``w`` and a one-letter index: a placeholder for ``\\sum_j``."""
        index = script_text(str(sub))
        dims = shape_of(spec, self.resolver.table)
        if dims is None or not (dims[0] == 1 or dims[1] == 1) or len(index) != 1 or not index.isalpha():
            return None
        vector = self.resolver.symbol(spec)
        assert isinstance(vector, sympy.MatrixSymbol)
        symbol = sympy.Symbol(f"{spec.name}[{index}]", real=True)
        self.placeholders[symbol] = Placeholder(vector, index, primary.start, sub.end_pos or 0)
        return Item(symbol, primary.start, sub.end_pos or 0)
