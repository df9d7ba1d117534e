"""Typed SymPy → LaTeX with the key's names (``x_adv`` → ``x'``), readable back by :func:`parse`."""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from checker._frozen import hash_once, state_without_hash
from checker.caches import memo
from checker.symbols import sympy_symbol
from checker.table import SymbolTable

from ._functions import ELEMENTWISE
from ._normalize import GREEK

__all__ = ["render"]


@dataclass(frozen=True)
class _Spellings:
    """The table's (symbol, LaTeX) pairs and the identity's spelling: all the output depends on
    besides the expression. It hashes once, since every memoized node is keyed by it."""

    names: tuple[tuple[sympy.Basic, str], ...]
    identity: str
    elementwise: tuple[tuple[sympy.Basic, str], ...] = ()  # (the scalar Lambda, the key's spelling)

    __hash__ = hash_once
    __getstate__ = state_without_hash


class _Printer(LatexPrinter):  # type: ignore[misc]
    """SymPy's LaTeX printer with the table's spellings and our 1×1 collapse read back as a product.

    Composite nodes printed without keyword arguments go through :func:`_text`, a memo shared by
    every answer: a node's LaTeX depends only on the node and the spellings. The parent decides
    any brackets around a child's text (``parenthesize``, ``_needs_*_brackets``, ``_factor``,
    ``_script`` look at the child expression or its text, never the other way round), and the
    printer keeps no state across nodes that changes output (``_print_level`` is a depth counter
    that only SymPy's str and pretty printers read; settings change only in ``__init__``). Calls
    with keyword arguments (``exp=`` from ``_print_Pow``) print differently, so they are never memoized.
    """

    def __init__(self, spellings: _Spellings) -> None:
        super().__init__({"symbol_names": dict(spellings.names), "inv_trig_style": "full"})
        self._spellings = spellings
        self._identity = spellings.identity

    def _print(self, expr: object, **kwargs: object) -> str:
        if kwargs or not isinstance(expr, sympy.Basic) or not expr.args:
            return str(super()._print(expr, **kwargs))
        return _text(expr, self._spellings)

    def _print_MatrixElement(self, expr: MatrixElement) -> str:
        parent = expr.parent
        if parent.shape == (1, 1) and expr.i == 0 and expr.j == 0:
            # Parenthesized so a power or a product applies to the whole collapsed scalar.
            return r"\left(" + str(self._print(parent)) + r"\right)"
        entry = self._entry(expr)
        return entry if entry is not None else str(super()._print_MatrixElement(expr))

    # -- index notation: entries and sums, printed as the parser reads them back ----------------

    def _entry(self, expr: MatrixElement) -> str | None:
        """``X_{i,j}`` for the entry ``X[i - 1, j - 1]`` (1-based, as written), ``t_{i}`` for a
        column's; None when an index is not a letter or a number, or the name carries a script."""
        parent = expr.parent
        if not isinstance(parent, sympy.MatrixSymbol):
            return None
        at = (expr.i + 1, expr.j + 1)
        if not all(isinstance(k, sympy.Symbol | sympy.Integer) for k in at):
            return None
        name = str(self._print(parent))
        if any(mark in name for mark in "^_'{"):
            return None
        rows, cols = parent.shape
        if cols == 1:
            script = str(self._print(at[0]))
        elif rows == 1:
            script = str(self._print(at[1]))
        else:
            script = f"{self._print(at[0])},{self._print(at[1])}"
        return f"{name}_{{{script}}}"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        """One ``\\sum_{k=a}^{b}`` per limit, outermost first (never ``\\substack``)."""
        # \|v\|_1 is built as the sum of |v_j| over the reserved index _j: print it back as the norm
        term = expr.function
        if (
            expr.limits[0][0].name == "_j"
            and isinstance(term, sympy.Abs)
            and isinstance(term.args[0], MatrixElement)
        ):
            return r"\left\|" + str(self._print(term.args[0].parent)) + r"\right\|_1"
        head = "".join(
            rf"\sum_{{{self._print(var)}={self._print(low)}}}^{{{self._print(high)}}} "
            for var, low, high in reversed(expr.limits)
        )
        body = str(self._print(expr.function))
        if isinstance(expr.function, sympy.Add):
            body = r"\left(" + body + r"\right)"
        return head + body

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

    def _print_sign(self, expr: sympy.Expr, exp: str | None = None) -> str:
        # ``exp``: SymPy's printer passes a power's exponent to a function's printer (sgn(x)^2)
        text = r"\operatorname{sgn}\left(" + str(self._print(expr.args[0])) + r"\right)"
        return text if exp is None else f"{text}^{{{exp}}}"

    # Matrix functions and products in the spellings the parser reads back (SymPy's own print
    # |A| for det, which reads as an absolute value, and \circ for the element-wise product).

    def _print_Determinant(self, expr: sympy.Determinant) -> str:
        return r"\det\left(" + str(self._print(expr.arg)) + r"\right)"

    def _print_HadamardProduct(self, expr: sympy.HadamardProduct) -> str:
        return r" \odot ".join(self._factor(arg) for arg in expr.args)

    def _print_ElementwiseApplyFunction(self, expr: sympy.Basic) -> str:
        name: str | None = dict(self._spellings.elementwise).get(expr.function)
        if name is None:
            return str(super()._print_ElementwiseApplyFunction(expr))
        return name + r"\left(" + str(self._print(expr.expr)) + r"\right)"

    def _print_DiagMatrix(self, expr: sympy.Basic) -> str:
        return r"\operatorname{diag}\left(" + str(self._print(expr.args[0])) + r"\right)"


@memo(maxsize=64)
def _spellings(table: SymbolTable) -> _Spellings:
    """The table's (symbol, LaTeX) pairs and the identity's spelling, built once per table."""
    names: list[tuple[sympy.Basic, str]] = []
    identity = "I"
    for spec in table.symbols:
        if spec.shape == "identity":
            identity = spec.latex
            continue
        names.append((sympy_symbol(spec, table), spec.latex))
    elementwise = tuple(
        (
            ELEMENTWISE[fn.elementwise or ""],
            "\\" + fn.name if fn.name in GREEK else rf"\operatorname{{{fn.name}}}",
        )
        for fn in table.functions
        if fn.elementwise in ELEMENTWISE and fn.elementwise != "softmax"  # softmax prints expanded
    )
    return _Spellings(tuple(names), identity, elementwise)


@memo(maxsize=64)
def _printer(spellings: _Spellings) -> _Printer:
    """One printer per spellings, reused: building one (settings processing) costs about as much as
    printing a small answer.

    Hazard: SymPy's ``Printer.set_global_settings`` (``init_printing``) changes the defaults of
    printers built after it; a kept printer, and the memo, keep those of the time they were built.
    Nothing in ``checker`` calls it.
    """
    return _Printer(spellings)


@memo(maxsize=8192)
def _text(expr: sympy.Basic, spellings: _Spellings) -> str:
    """The LaTeX of the composite node ``expr`` with ``spellings``, memoized.

    Answers to one question share their sub-expressions (``X^{T} X``, the inverse around it) and
    often the whole expression (notations that read alike), so most nodes are printed once. Keys
    compare as SymPy compares expressions: structurally, numbers by type as well as value
    (``2`` ≠ ``2.0``), so equal keys print alike.
    """
    return str(LatexPrinter._print(_printer(spellings), expr))


def render(expr: sympy.Basic, table: SymbolTable) -> str:
    """``expr`` in LaTeX with the table's spellings; see :func:`checker.latex.to_latex`."""
    spellings = _spellings(table)
    printer = _printer(spellings)
    identity = spellings.identity
    if isinstance(expr, MatrixElement) and expr.parent.shape == (1, 1):
        return str(printer.doprint(expr.parent))
    if isinstance(expr, sympy.Identity):
        # Alone, the identity has no context to take its size from: write it.
        return f"{identity}_{{{printer.doprint(expr.shape[0])}}}"
    return str(printer.doprint(expr))
