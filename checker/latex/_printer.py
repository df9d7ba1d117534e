"""Typed SymPy → LaTeX with the key's names (``x_adv`` → ``x'``), readable back by :func:`parse`."""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter

from checker.key import SymbolTable
from checker.symbols import sympy_symbol

__all__ = ["render"]


class _Printer(LatexPrinter):  # type: ignore[misc]
    """SymPy's LaTeX printer with the table's spellings and our 1×1 collapse read back as a product."""

    def __init__(self, names: dict[sympy.Basic, str], identity: str) -> None:
        super().__init__({"symbol_names": names})
        self._identity = identity

    def _print_MatrixElement(self, expr: MatrixElement) -> str:
        parent = expr.parent
        if parent.shape == (1, 1) and expr.i == 0 and expr.j == 0:
            # Parenthesized so a power or a product applies to the whole collapsed scalar.
            return r"\left(" + str(self._print(parent)) + r"\right)"
        return str(super()._print_MatrixElement(expr))

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return self._identity

    def _print_ZeroMatrix(self, expr: sympy.ZeroMatrix) -> str:
        return "0"

    def _print_sign(self, expr: sympy.Expr) -> str:
        return r"\operatorname{sgn}\left(" + str(self._print(expr.args[0])) + r"\right)"


def render(expr: sympy.Basic, table: SymbolTable) -> str:
    """``expr`` in LaTeX with the table's spellings; see :func:`checker.latex.to_latex`."""
    names: dict[sympy.Basic, str] = {}
    identity = "I"
    for spec in table.symbols:
        if spec.shape == "identity":
            identity = spec.latex
            continue
        names[sympy_symbol(spec, table)] = spec.latex
    printer = _Printer(names, identity)
    if isinstance(expr, MatrixElement) and expr.parent.shape == (1, 1):
        return str(printer.doprint(expr.parent))
    return str(printer.doprint(expr))
