"""Key symbols as SymPy objects: one mapping used by the parser, the equivalence engine and the
derivations, so that a symbol means the same thing in every stage.

* a scalar symbol → ``sympy.Symbol(name, real=True, **assumptions)``;
* a matrix or vector symbol → ``sympy.MatrixSymbol(name, rows, cols)`` with the dimension symbols
  (``n``, ``d``) as SymPy integer symbols;
* the identity → ``sympy.Identity(size)``, sized by context (:func:`identity`).
"""

from __future__ import annotations

import sympy

from checker.table import SymbolSpec, SymbolTable

__all__ = ["MaxAbsEntry", "dimension", "identity", "scalar_symbol", "shape_of", "sympy_symbol"]


def scalar_symbol(spec: SymbolSpec) -> sympy.Symbol:
    """The SymPy scalar for ``spec``: real, with the key's assumptions (bounds imply sign).

    >>> from checker.table import SymbolSpec
    >>> scalar_symbol(SymbolSpec("lambda", "\\\\lambda", assumptions=frozenset({"positive"}))).is_positive
    True
    """
    flags: dict[str, bool] = {"real": True}
    for assumption in spec.assumptions:
        flags[assumption] = True
    if spec.lower is not None and spec.lower >= 0:
        flags["positive"] = True  # the bound is open: lower >= 0 means strictly positive
    return sympy.Symbol(spec.name, **flags)


def dimension(value: str | int, table: SymbolTable) -> sympy.Expr:
    """A shape entry as SymPy: a declared integer symbol (``n``) or a positive integer."""
    if isinstance(value, int):
        return sympy.Integer(value)
    return scalar_symbol(table.symbol(value))


def shape_of(spec: SymbolSpec, table: SymbolTable) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The SymPy shape of a matrix symbol, None for scalars and the context-sized identity."""
    if isinstance(spec.shape, tuple):
        return (dimension(spec.shape[0], table), dimension(spec.shape[1], table))
    return None


def sympy_symbol(spec: SymbolSpec, table: SymbolTable) -> sympy.Symbol | sympy.MatrixSymbol:
    """The SymPy object for a declared scalar, vector or matrix symbol.

    Raises:
        ValueError: for the identity, which has no size of its own (use :func:`identity`).
    """
    shape = shape_of(spec, table)
    if spec.shape == "identity":
        raise ValueError(f"symbol {spec.name!r} is the identity; its size comes from context")
    if shape is None:
        return scalar_symbol(spec)
    return sympy.MatrixSymbol(spec.name, *shape)


def identity(size: sympy.Expr) -> sympy.Identity:
    """The identity of the given size (``I`` next to XᵀX is d×d, next to XXᵀ is n×n)."""
    return sympy.Identity(size)


class MaxAbsEntry(sympy.Function):  # type: ignore[misc]
    """``\\|v\\|_\\infty``: the largest absolute entry of a vector or matrix.

    SymPy has no node for it at a symbolic size (``Max`` needs its arguments listed), so the
    parser builds this one and the engine evaluates it entry by entry at a point.

    >>> MaxAbsEntry(sympy.MatrixSymbol("w", 3, 1)).is_nonnegative
    True
    """

    nargs = 1
    is_real = True
    is_nonnegative = True

    def _latex(self, printer: object) -> str:
        inner = str(printer._print(self.args[0]))  # type: ignore[attr-defined]
        return r"\left\|" + inner + r"\right\|_\infty"
