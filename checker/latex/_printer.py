"""Typed SymPy → LaTeX with the key's names (``x_adv`` → ``x'``), readable back by :func:`parse`."""

from __future__ import annotations

import functools

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

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

    # SymPy's own matrix printers call ``could_extract_minus_sign``, which runs ``doit`` on every
    # product (slow, and it would expand our collapsed 1×1 scalars into sums): print them directly.

    def _print_MatMul(self, expr: sympy.MatMul) -> str:
        coeff, matrices = expr.as_coeff_matrices()
        factors = " ".join(self._factor(m) for m in matrices)
        if coeff == 1:
            return factors
        sign = ""
        if coeff.could_extract_minus_sign():
            sign, coeff = "- ", -coeff
        if coeff == 1:
            return sign + factors
        return sign + str(self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True)) + " " + factors

    def _factor(self, matrix: sympy.Basic) -> str:
        text = str(self._print(matrix))
        if isinstance(matrix, sympy.MatAdd) or text.startswith("-"):
            return r"\left(" + text + r"\right)"
        return text

    def _print_MatAdd(self, expr: sympy.MatAdd) -> str:
        out = ""
        for term in expr.args:
            text = str(self._print(term))
            if not out:
                out = text
            elif text.startswith("- "):
                out += " - " + text[2:]
            else:
                out += " + " + text
        return out

    def _script(self, matrix: sympy.Basic, script: str) -> str:
        text = str(self._print(matrix))
        if not isinstance(matrix, sympy.MatrixSymbol | sympy.Identity) or "^" in text or "'" in text:
            text = r"\left(" + text + r"\right)"
        return text + "^{" + script + "}"

    def _print_Transpose(self, expr: sympy.Transpose) -> str:
        return self._script(expr.arg, "T")

    def _print_Inverse(self, expr: sympy.Inverse) -> str:
        return self._script(expr.arg, "-1")

    def _print_MatPow(self, expr: sympy.MatPow) -> str:
        return self._script(expr.base, str(self._print(expr.exp)))

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return self._identity

    def _print_ZeroMatrix(self, expr: sympy.ZeroMatrix) -> str:
        return "0"

    def _print_sign(self, expr: sympy.Expr) -> str:
        return r"\operatorname{sgn}\left(" + str(self._print(expr.args[0])) + r"\right)"


@functools.lru_cache(maxsize=64)
def _spellings(table: SymbolTable) -> tuple[tuple[tuple[sympy.Basic, str], ...], str]:
    """The table's (symbol, LaTeX) pairs and the identity's spelling, built once per table."""
    names: list[tuple[sympy.Basic, str]] = []
    identity = "I"
    for spec in table.symbols:
        if spec.shape == "identity":
            identity = spec.latex
            continue
        names.append((sympy_symbol(spec, table), spec.latex))
    return tuple(names), identity


def render(expr: sympy.Basic, table: SymbolTable) -> str:
    """``expr`` in LaTeX with the table's spellings; see :func:`checker.latex.to_latex`."""
    names, identity = _spellings(table)
    printer = _Printer(dict(names), identity)
    if isinstance(expr, MatrixElement) and expr.parent.shape == (1, 1):
        return str(printer.doprint(expr.parent))
    if isinstance(expr, sympy.Identity):
        # Alone, the identity has no context to take its size from: write it.
        return f"{identity}_{{{printer.doprint(expr.shape[0])}}}"
    return str(printer.doprint(expr))
