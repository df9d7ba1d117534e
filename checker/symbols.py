"""Key symbols as SymPy objects: one mapping used by the parser, the equivalence engine and the
derivations, so that a symbol means the same thing in every stage.

* a scalar symbol → ``sympy.Symbol(name, real=True, **assumptions)``;
* a matrix or vector symbol → ``sympy.MatrixSymbol(name, rows, cols)`` with the dimension symbols
  (``n``, ``d``) as SymPy integer symbols;
* the identity → ``sympy.Identity(size)``, sized by context (:func:`identity`).
"""

from __future__ import annotations

import sympy
from sympy.core.symbol import Str

from checker.table import RandomSpec, SymbolSpec, SymbolTable

__all__ = [
    "Covariance",
    "Expectation",
    "MaxAbsEntry",
    "Moment",
    "Variance",
    "dimension",
    "identity",
    "index_symbol",
    "iterate_name",
    "random_over",
    "scalar_symbol",
    "shape_of",
    "sympy_symbol",
]


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


# ---------------------------------------------------------------------------------------------
# index notation: indices and iterates
# ---------------------------------------------------------------------------------------------


def index_symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol of an index letter (an integer at least 1), bound by a sum or left free.

    >>> index_symbol("i").is_integer
    True
    """
    return sympy.Symbol(name, integer=True, positive=True)


def iterate_name(name: str, offset: int) -> str:
    """The SymPy name of an iterate: ``w`` itself at offset 0, ``w_next`` at +1, ``w_prev`` at -1,
    ``w_iter_p2`` / ``w_iter_m2`` further away.

    >>> iterate_name("w", 1), iterate_name("w", -3)
    ('w_next', 'w_iter_m3')
    """
    if offset == 0:
        return name
    if offset in (1, -1):
        return f"{name}_{'next' if offset == 1 else 'prev'}"
    return f"{name}_iter_{'p' if offset > 0 else 'm'}{abs(offset)}"


# ---------------------------------------------------------------------------------------------
# random variables: expectation, variance, covariance as unevaluated SymPy nodes
# ---------------------------------------------------------------------------------------------


def random_over(spec: RandomSpec, symbol: sympy.Basic, parameters: dict[str, sympy.Basic]) -> sympy.Tuple:
    """One random symbol with its distribution, as an argument of the nodes below.

    Args:
        spec: the key's distribution.
        symbol: the random symbol (a Symbol or a MatrixSymbol, every entry i.i.d.).
        parameters: each parameter's value as SymPy (``p``, ``\\sigma^2``); ``values`` and
            ``probabilities`` of a categorical distribution as SymPy Tuples.

    Returns:
        ``(symbol, distribution, ((name, value), ...))``.

    >>> p = sympy.Symbol("p")
    >>> random_over(RandomSpec("bernoulli"), sympy.Symbol("m"), {"p": p})[1]
    bernoulli
    """
    pairs = sympy.Tuple(*(sympy.Tuple(Str(k), v) for k, v in sorted(parameters.items())))
    return sympy.Tuple(symbol, Str(spec.distribution), pairs)


class Moment(sympy.Expr):  # type: ignore[misc]
    """Base of the random-variable operators: ``args[-1]`` lists what is averaged over."""

    is_commutative = True
    is_real = True
    operator = ""

    @property
    def over(self) -> sympy.Tuple:
        """The random symbols averaged over, each ``(symbol, distribution, parameters)``."""
        return self.args[-1]

    @property
    def operands(self) -> tuple[sympy.Basic, ...]:
        return tuple(self.args[:-1])

    def _latex(self, printer: object) -> str:
        inner = ", ".join(printer._print(a) for a in self.operands)  # type: ignore[attr-defined]
        names = ",".join(printer._print(o[0]) for o in self.over)  # type: ignore[attr-defined]
        return f"\\operatorname{{{self.operator}}}_{{{names}}}\\left[{inner}\\right]"

    def _sympystr(self, printer: object) -> str:
        inner = ", ".join(printer._print(a) for a in self.operands)  # type: ignore[attr-defined]
        names = ",".join(printer._print(o[0]) for o in self.over)  # type: ignore[attr-defined]
        return f"{self.operator}_{names}[{inner}]"


class Expectation(Moment):
    """``E[body]`` over the listed random symbols (``Expectation(body, over)``)."""

    operator = "E"


class Variance(Moment):
    """``Var[body]`` over the listed random symbols (``Variance(body, over)``)."""

    operator = "Var"


class Covariance(Moment):
    """``Cov[a, b]`` over the listed random symbols (``Covariance(a, b, over)``)."""

    operator = "Cov"
