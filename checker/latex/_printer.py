"""Typed SymPy → LaTeX with the key's names (``x_adv`` → ``x'``), readable back by :func:`parse`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy.concrete.products import Product
from sympy.concrete.summations import Sum
from sympy.core.traversal import iterargs
from sympy.integrals.integrals import Integral
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.simplify.radsimp import fraction

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

    # -- sums and products, printed as SymPy prints them, without its costly tests ---------------
    #
    # SymPy asks each product whether it has a leading minus sign by building the negated product
    # (a fresh assumptions base each time) and whether a factor contains Mod, an integral, a sum or
    # a product by up to four walks of its subtree: together about a third of printing a new answer.
    # Here the sign comes from the first factor (:func:`_minus`) and the walks are one, memoized
    # (:func:`_kinds`); every decision, and so every character, is SymPy's (a property test
    # compares the two printers).  Only the settings this printer is built with are handled (no
    # short or long fraction folding): with others, SymPy prints.

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        out = ""
        for k, written in enumerate(self._as_ordered_terms(expr, order=order)):
            term = written
            if k and _minus(written):
                out, term = out + " - ", -written
            elif k:
                out += " + "
            text = str(self._print(term))
            out += r"\left(" + text + r"\right)" if self._needs_add_brackets(term) else text
        return out

    def _print_Mul(self, expr: sympy.Expr) -> str:
        if (
            self._settings["fold_short_frac"]
            or self._settings["long_frac_ratio"] is not None
            or self._settings["order"] in {"old", "none"}
            or any(_unit_like(arg) for arg in expr.args)
        ):
            return str(super()._print_Mul(expr))  # what these settings or physical units change
        if isinstance(expr, sympy.Mul):
            args = expr.args
            if args[0] is sympy.S.One or any(isinstance(arg, sympy.Number) for arg in args[1:]):
                return self._product(args)  # unevaluated: every factor shown, in order
        head, tail = "", ""
        if _minus(expr):
            expr = -expr
            head, tail = ("- (", ")") if expr.is_Add else ("- ", "")
        numerator, denominator = fraction(expr, exact=True)
        if denominator is sympy.S.One and sympy.Pow(1, -1, evaluate=False) not in expr.args:
            return head + self._factors(expr) + tail
        return head + r"\frac{" + self._factors(numerator) + "}{" + self._factors(denominator) + "}" + tail

    def _factors(self, expr: sympy.Basic) -> str:
        """A product's factors in SymPy's order, or any other expression printed alone."""
        if not expr.is_Mul:
            return str(self._print(expr))
        return self._product(expr.as_ordered_factors())

    def _product(self, factors: tuple[sympy.Basic, ...] | list[sympy.Basic]) -> str:
        out = last = ""
        for k, factor in enumerate(factors):
            text = str(self._print(factor))
            if self._needs_mul_brackets(factor, first=k == 0, last=k == len(factors) - 1):
                text = r"\left(" + text + r"\right)"
            if _NUMBER_END.search(last) and _NUMBER_START.match(text):
                out += self._settings["mul_symbol_latex_numbers"]
            elif out:
                out += self._settings["mul_symbol_latex"]
            out += text
            last = text
        return out

    def _needs_mul_brackets(self, expr: sympy.Basic, first: bool = False, last: bool = False) -> bool:
        if expr.is_Mul:
            if not first and _minus(expr):
                return True
        elif precedence_traditional(expr) < PRECEDENCE["Mul"] or expr.is_Relational:
            return True
        kinds = _kinds(expr)
        return bool(expr.is_Piecewise or sympy.Mod in kinds or (not last and kinds - {sympy.Mod}))

    def _needs_add_brackets(self, expr: sympy.Basic) -> bool:
        return bool(expr.is_Relational or expr.is_Add or sympy.Mod in _kinds(expr))

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


# SymPy's rule for a product of two numbers, written with a dot: the left factor's text ends in a
# digit (perhaps closed by braces), the right one starts with a digit or a numeric fraction.
_NUMBER_END = re.compile(r"[0-9][} ]*$")
_NUMBER_START = re.compile(r"(\d|\\frac{\d+}{\d+})")

# What makes a factor need brackets wherever it stands (Mod) or before another factor (the rest).
_BRACKETING = (sympy.Mod, Integral, Product, Sum)


def _minus(expr: sympy.Basic) -> bool:
    """``expr.could_extract_minus_sign()``, without building ``-expr`` for a product.

    SymPy's answer for a product: False when ``expr == -expr`` (a coefficient of 0, ``zoo`` or
    ``nan``), else whether its first factor is a negative number.  A negative number as the first
    factor already rules out ``expr == -expr`` (the negation's first factor is positive), and any
    other first factor gives False either way, so the first factor alone decides.  A rational
    number's sign is read off its numerator.
    """
    if type(expr) is sympy.Mul:
        first = expr.args[0]
        if isinstance(first, sympy.Rational):  # its sign without an assumptions query
            return bool(first.p < 0)
        return bool(first.is_Number and first.is_extended_negative)
    if isinstance(expr, sympy.Rational):  # a number's own answer: whether it is negative
        return bool(expr.p < 0)
    return bool(expr.could_extract_minus_sign())


def _unit_like(factor: sympy.Basic) -> bool:
    """A physical quantity, constant or prefix (or a power of one), which SymPy moves to the end."""
    base = factor.base if isinstance(factor, sympy.Pow) else factor
    return any(hasattr(x, "_scale_factor") or hasattr(x, "is_physical_constant") for x in (factor, base))


@memo(maxsize=8192)
def _kinds(expr: sympy.Basic) -> frozenset[type]:
    """Which of :data:`_BRACKETING` occur in ``expr`` (itself included): ``expr.has`` for each, in one walk."""
    return frozenset(kind for node in iterargs(expr) for kind in _BRACKETING if isinstance(node, kind))


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
