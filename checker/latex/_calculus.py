"""Derivatives in answers: Leibniz notation, ``\\nabla_v``, ``f'(x)``, evaluated or refused.

A derivative is never read as a fraction or a product.  The normalizer finds Leibniz notation
(:func:`~._leibniz.leibniz_split`) before the grammar sees it: ``\\frac{d}{dx}`` and ``\\frac{\\partial}{\\partial w}``
become a derivative operator ``DERIV`` (a private-use marker around the variable) applied to the
product that follows, ``\\frac{dJ}{dw}`` and ``\\frac{\\partial J}{\\partial w}`` that operator applied to
the numerator's rest, as one group.  So ``\\frac{d}{dp}(p q)`` is d/dp of ``p q`` even where the key
declares a symbol ``d``.

The transformer (:class:`CalculusRules`, a mixin of ``Build``) evaluates the derivative of a
declared expression with respect to a declared symbol: SymPy differentiation for scalars, SymPy's
matrix calculus for vectors (the gradient of ``w^T x``, of ``\\|Xw - t\\|^2``).  The key's defined
symbols are replaced by their definitions first (``\\partial J / \\partial w`` differentiates J's
body).  Anything else (a second derivative, a variable that is not a declared symbol, a derivative
SymPy cannot take) is refused, so the answer is ``unparsed``.  Each evaluated derivative records
the operator ``derivative`` or ``gradient`` in ``Parsed.operators``.
"""

from __future__ import annotations

from typing import Any

import sympy
from lark import Token
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from checker.errors import UnknownSymbolError, UnsupportedConstructError
from checker.table import FunctionSpec, SymbolSpec

from . import _algebra as alg
from ._algebra import Item
from ._base import Rules
from ._leibniz import DERIV_CLOSE, DERIV_OPEN
from ._symbols import NameRef, make_key, script_text

__all__ = ["CalculusRules", "gradient"]


class NotClosedForm(ValueError):
    """A gradient SymPy would take wrongly: through entries or sums of the variable."""


def _through_entries(expr: sympy.Basic, var: sympy.Basic) -> bool:
    """Whether ``var`` occurs inside an entry (``w[0, 0]``, ``(Xw)[i, 0]``) or a sum: SymPy's
    derivative with respect to a matrix is silently 0 there."""
    return any(
        node.has(var)
        for node in sympy.preorder_traversal(expr)
        if isinstance(node, sympy.Sum | sympy.Product)
        or (isinstance(node, MatrixElement) and node.parent.shape != (1, 1))
    )


def gradient(target: sympy.Basic, var: MatrixExpr) -> sympy.Basic:
    """The gradient of ``target`` with respect to the matrix symbol ``var``, by matrix calculus.

    A scalar built from 1×1 products (``w^T x``, ``\\|w\\|^2``, collapsed to entries ``[0, 0]``
    by the parser) is differentiated by the chain rule: each 1×1 product is a slot whose gradient
    SymPy's matrix calculus takes; SymPy would give 0 through the entry itself.

    Raises:
        NotClosedForm: ``var`` occurs inside an entry or a sum (index notation).

    >>> d = sympy.Symbol("d", integer=True, positive=True)
    >>> w, x = sympy.MatrixSymbol("w", d, 1), sympy.MatrixSymbol("x", d, 1)
    >>> gradient(MatrixElement(w.T * x, 0, 0) ** 2 + 1, w)
    (2*(w.T*x)[0, 0])*x
    """
    if not target.has(var):  # SymPy leaves d(const)/dw unevaluated
        return sympy.ZeroMatrix(*var.shape)
    if isinstance(target, MatrixExpr):
        if _through_entries(target, var):
            raise NotClosedForm(str(target))
        return target.diff(var)
    slots = {
        node: sympy.Dummy("s")
        for node in target.atoms(MatrixElement)
        if node.parent.shape == (1, 1) and node.has(var)
    }
    outer = target.xreplace(slots)
    if outer.has(var) or any(_through_entries(node.parent, var) for node in slots):
        raise NotClosedForm(str(target))
    back = {s: node for node, s in slots.items()}
    terms: list[Any] = []
    for node, s in slots.items():
        inner = node.parent.diff(var)
        if inner.shape != var.shape and inner.shape == var.shape[::-1]:
            inner = sympy.Transpose(inner)
        # MatMul/MatAdd with evaluate=True, never ``*``: that evaluates the 1×1 entries into sums.
        terms.append(sympy.MatMul(outer.diff(s).xreplace(back), inner, evaluate=True))
    if not terms:
        return sympy.ZeroMatrix(*var.shape)
    return terms[0] if len(terms) == 1 else sympy.MatAdd(*terms, evaluate=True)


class CalculusRules(Rules):
    """The derivative rules of the transformer (a mixin of :class:`~._transformer.Build`)."""

    def _defined(self, value: sympy.Basic) -> sympy.Basic:  # provided by IndexedRules
        raise NotImplementedError

    def nabla(self, span: tuple[int, int], sub: Token, body: Item) -> Item:
        """``\\nabla_w body``: the gradient with respect to the declared symbol w."""
        name = script_text(sub)
        return self.differentiate(name, body, *span, f"\\nabla_{name}", operator="gradient")

    def derivative(self, span: tuple[int, int], marker: Token, body: Item) -> Item:
        """``\\frac{d}{dx} body`` (and its other spellings): d body / dx."""
        start, end = span
        name = str(marker).strip(DERIV_OPEN + DERIV_CLOSE).strip()
        return self.differentiate(name, body, start, end, f"d/d{name}")

    def differentiate(
        self, name: str, body: Item, start: int, end: int, written: str, *, operator: str | None = None
    ) -> Item:
        """The derivative of ``body`` with respect to the declared symbol written ``name``.

        A scalar variable gives the derivative (operator ``derivative``); a vector one the
        gradient, a column like the variable (operator ``gradient``).

        Args:
            name: the variable as written (``w``, ``\\lambda``).
            body: what is differentiated.
            start: where the derivative starts in the normalized text.
            end: where it ends.
            written: the notation, for messages (``d/dp``, ``\\nabla_w``).
            operator: the operator recorded (default: by the variable's shape).

        Returns:
            The derivative, a 1×1 result collapsed to a scalar.

        Raises:
            UnknownSymbolError: the variable is not a declared symbol.
            UnsupportedConstructError: SymPy cannot take the derivative.
        """
        spec = self._variable(name, start, end, written)
        var = self.resolver.symbol(spec)
        value = self._value(body).value
        target = value.args[0] if isinstance(value, MatrixElement) and value.parent.shape == (1, 1) else value
        target = self._expanded(target, start, end, written)
        try:
            result: Any = gradient(target, var) if isinstance(var, MatrixExpr) else target.diff(var)
        except Exception as exc:  # SymPy refuses some matrix derivatives; never a guess
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a derivative SymPy can take in closed form, found {written} of "
                f"{self.ctx.text(body)}; fix: write the derivative out",
                start,
                end,
            ) from exc
        if isinstance(result, MatrixExpr) and result.shape[0] == 1 and result.shape[1] != 1:
            result = sympy.Transpose(result)
        self.applied(operator or ("gradient" if isinstance(var, MatrixExpr) else "derivative"), start, end)
        return Item(alg.collapse(result), start, end)

    def prime(self, spec: FunctionSpec, body: sympy.Basic, start: int, end: int) -> sympy.Basic:
        """The body of ``f'``: d body / d(its one scalar parameter), before the argument goes in."""
        param = self.resolver.table.symbol(spec.params[0]) if len(spec.params) == 1 else None
        if param is None or param.is_matrix:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected f' of a function of one scalar, found {spec.name}({', '.join(spec.params)}); "
                f"fix: write the derivative with respect to one variable, e.g. \\frac{{\\partial}}{{\\partial x}}",
                start,
                end,
            )
        try:
            result = self._expanded(body, start, end, f"{spec.name}'").diff(self.resolver.symbol(param))
        except Exception as exc:  # never a guess
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected a derivative SymPy can take, found {spec.name}'; fix: write the derivative out",
                start,
                end,
            ) from exc
        self.applied("derivative", start, end)
        return result

    def _expanded(self, value: sympy.Basic, start: int, end: int, written: str) -> sympy.Basic:
        """``value`` with the key's definitions in; refused if a defined symbol stays (its
        derivative would silently be 0, e.g. an entry-wise definition of a vector)."""
        out = self._defined(value)
        table = self.resolver.table
        left = [
            spec.latex
            for spec in table
            if spec.define is not None and spec.shape != "identity" and out.has(self.resolver.symbol(spec))
        ]
        if left:
            raise self.ctx.fail(
                UnsupportedConstructError,
                f"expected {written} of an expression in the question's symbols, found the defined "
                f"symbol(s) {', '.join(left)} whose definition cannot be put in here; fix: write it out",
                start,
                end,
            )
        return out

    def _variable(self, name: str, start: int, end: int, written: str) -> SymbolSpec:
        spec = self.resolver.lookup(make_key(NameRef("", name), []))
        table = self.resolver.table
        if (
            spec is None
            or spec.shape == "identity"
            or spec.define is not None
            or spec.name in table.dimensions
            or spec.random is not None
        ):
            raise self.ctx.fail(
                UnknownSymbolError,
                f"expected {written} with respect to a declared symbol ({self.resolver.declared()}), "
                f"found {name}; fix: differentiate with respect to a symbol of the question",
                start,
                end,
            )
        return spec
