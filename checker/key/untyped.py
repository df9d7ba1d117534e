"""A question's symbol table with the shapes forgotten, for matching ill-typed known mistakes.

A key may list a known mistake that is ill-typed (XXᵀ where XᵀX belongs: an n×n matrix added
to a d×d one).  Such an expression has no value, so equivalence cannot match it; read untyped,
every matrix and vector symbol a square k×k matrix, it has one, and two ill-typed expressions
that agree as k×k matrices at several k are the same mistake.  Read untyped, a scalar added to a
square matrix is that multiple of the identity (``X^T X + 2n\\lambda``, a missing I).  Scalars keep their assumptions;
definitions are dropped (a scalar defined by vectors would not be one any more), so a symbol with
a definition is free here.
"""

from __future__ import annotations

from dataclasses import replace

from checker.caches import memo
from checker.config import ParseOptions
from checker.errors import ShapeError
from checker.latex import Parsed, parse_key
from checker.table import SymbolTable

__all__ = ["UNTYPED_SIZES", "mistake_reading", "untyped_options", "untyped_table"]

#: The sizes of the square matrices an ill-typed expression is read at (several, so that an
#: identity of small matrices, e.g. of 1×1 ones, is not taken for an identity of all).
UNTYPED_SIZES = (2, 3)


@memo(maxsize=64)
def untyped_table(table: SymbolTable, k: int) -> SymbolTable:
    """``table`` with every matrix and vector symbol a k×k matrix and no definitions.

    Args:
        table: a question's symbol table.
        k: the side of the square matrices.

    Returns:
        The untyped table (identity symbols stay sized by context; scalars unchanged).

    >>> from checker.table import SymbolSpec, SymbolTable
    >>> t = SymbolTable((SymbolSpec("w", "w", shape=("d", 1)), SymbolSpec("a", "a")))
    >>> [s.shape for s in untyped_table(t, 3)]
    [(3, 3), 'scalar']
    """
    symbols = tuple(
        replace(spec, shape=(k, k), define=None)
        if isinstance(spec.shape, tuple)
        else replace(spec, define=None)
        for spec in table
    )
    return SymbolTable(symbols, table.functions)


def untyped_options(options: ParseOptions) -> ParseOptions:
    """The question's parse options for an untyped reading (``untyped=True``)."""
    return replace(options, untyped=True)


@memo(maxsize=512)
def mistake_reading(text: str, table: SymbolTable, options: ParseOptions) -> Parsed | None:
    """A key's known mistake read with its question's table: the parse, or None when ill-typed.

    Cached (key material only), so loading the key reads each mistake once and judging reuses it.

    Raises:
        CheckerError: the LaTeX is not valid math (not merely ill-typed).
    """
    try:
        return parse_key(text, table, options=options)
    except ShapeError:
        return None
