"""The symbol table: the symbols and functions one question's answers may use (a bottom value).

Every stage reads it: the LaTeX front end resolves names with it, the equivalence engine samples
its symbols under their assumptions, the key declares it, the derivations take their SymPy symbols
from it (:mod:`checker.symbols`).  It is plain frozen data and imports nothing of derivcheck but the
hash-once helper.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from checker._frozen import hash_once, state_without_hash

__all__ = [
    "ASSUMPTIONS",
    "DISTRIBUTIONS",
    "FunctionSpec",
    "IndexSpec",
    "RandomSpec",
    "ShapeSpec",
    "SymbolSpec",
    "SymbolTable",
]

ASSUMPTIONS = frozenset({"positive", "nonnegative", "nonzero", "integer"})
Dim = str | int
ShapeSpec = Literal["scalar", "identity"] | tuple[Dim, Dim]

DISTRIBUTIONS = frozenset({"bernoulli", "normal", "uniform", "categorical", "moments"})
"""Distributions a random symbol may follow (see :class:`RandomSpec`)."""


@dataclass(frozen=True)
class RandomSpec:
    """The distribution of a random symbol; every entry of a random vector or matrix is drawn
    independently from it (i.i.d. over every index).

    Attributes:
        distribution: one of :data:`DISTRIBUTIONS`: ``bernoulli`` (parameter ``p``), ``normal``
            (``mean``, ``variance``), ``uniform`` (``lower``, ``upper``), ``categorical``
            (``values`` and ``probabilities``, both LaTeX lists as ``v1; v2``), ``moments`` (only
            ``mean`` and ``variance`` are known: moments of order at most 2).
        parameters: (name, LaTeX) pairs, in the key's order.
    """

    distribution: str
    parameters: tuple[tuple[str, str], ...] = ()

    __hash__ = hash_once
    __getstate__ = state_without_hash

    def parameter(self, name: str) -> str | None:
        """The LaTeX of parameter ``name``, or None."""
        return next((text for key, text in self.parameters if key == name), None)


@dataclass(frozen=True)
class IndexSpec:
    """A letter answers use as an index (``i`` over the n examples, ``j`` over the d features),
    or as an iteration counter (``t`` in ``w^{(t+1)}``).

    Attributes:
        name: the index letter as SymPy names it (``i``).
        latex: its spelling; ``aliases`` are others.
        over: the dimension symbol it runs over (1 to that dimension), or None (an iteration index).
        iteration: it counts iterations: ``w^{(t)}``, ``w_{t+1}`` name iterates of a symbol that
            lists it in ``SymbolSpec.iterate``.
    """

    name: str
    latex: str
    aliases: tuple[str, ...] = ()
    over: str | None = None
    iteration: bool = False

    __hash__ = hash_once
    __getstate__ = state_without_hash

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.latex, *(a for a in self.aliases if a != self.latex))


# The frozen table objects are the keys of per-process caches (the parser's resolver and
# definitions, the printer's spellings, the key's parsed LaTeX...), looked up several times per
# answer: each class below hashes once (checker._frozen).


@dataclass(frozen=True)
class SymbolSpec:
    """One symbol of a question's table.

    Attributes:
        name: identifier used in SymPy and in ``forbid`` lists (``w``, ``x_adv``, ``lambda``).
        latex: how it is printed (``w^*``, ``x'``, ``\\lambda``); also read as this symbol.
        aliases: other LaTeX spellings read as this symbol.
        shape: ``"scalar"``, ``"identity"`` (sized by context) or ``(rows, cols)`` with each a
            dimension symbol's name or a positive integer.
        assumptions: subset of :data:`ASSUMPTIONS`.
        lower: open lower bound (``p > 0``), or None.
        upper: open upper bound (``p < 1``), or None.
        define: LaTeX of a definition (``w* := X^T t / (X^T X + 2n\\lambda)``), or None.
        description: one line for people.
        entries: spellings of one entry (``X_{ij}``, ``x_j^{(i)}``) or row (``x^{(i)}``), written
            with the table's index letters: an index over the rows' dimension picks the row, over
            the columns' dimension the column.
        random: the distribution of a random symbol (every entry i.i.d.), or None.
        iterate: the iteration index whose values name this symbol's iterates (``t`` in
            ``w^{(t+1)}``), or None.
    """

    name: str
    latex: str
    aliases: tuple[str, ...] = ()
    shape: ShapeSpec = "scalar"
    assumptions: frozenset[str] = frozenset()
    lower: Fraction | None = None
    upper: Fraction | None = None
    define: str | None = None
    description: str = ""
    entries: tuple[str, ...] = ()
    random: RandomSpec | None = None
    iterate: str | None = None

    __hash__ = hash_once
    __getstate__ = state_without_hash

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every LaTeX spelling read as this symbol: ``latex`` first, then the aliases."""
        return (self.latex, *(a for a in self.aliases if a != self.latex))

    @property
    def is_matrix(self) -> bool:
        return self.shape != "scalar"


@dataclass(frozen=True)
class FunctionSpec:
    """A function the homework defines, e.g. ``f(x; w) := w^T x``.

    Attributes:
        name: the function's name as written (``f``).
        params: parameter symbol names in order (``("x", "w")``).
        body: LaTeX of the body in terms of the parameters (empty for an ``elementwise`` function).
        description: one line for people.
        elementwise: None for a function defined by ``body``; else the standard function it is
            (``"sigmoid"``, ``"exp"``, ``"log"``, ``"tanh"``, ``"relu"``, ``"softmax"``), applied entry by
            entry to a vector or matrix argument (softmax normalizes over the vector).
    """

    name: str
    params: tuple[str, ...]
    body: str
    description: str = ""
    elementwise: str | None = None

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class SymbolTable:
    """The symbols and functions one question's answers may use.

    >>> table = SymbolTable((SymbolSpec("w", "w", shape=("d", 1)),), ())
    >>> table.symbol("w").shape
    ('d', 1)
    """

    symbols: tuple[SymbolSpec, ...]
    functions: tuple[FunctionSpec, ...] = ()
    indices: tuple[IndexSpec, ...] = ()

    __hash__ = hash_once
    __getstate__ = state_without_hash

    def __iter__(self) -> Iterator[SymbolSpec]:
        return iter(self.symbols)

    def symbol(self, name: str) -> SymbolSpec:
        """The symbol called ``name``; KeyError when there is none."""
        for spec in self.symbols:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(spec.name == name for spec in self.symbols)

    def index(self, name: str) -> IndexSpec | None:
        """The index called ``name``, or None."""
        return next((spec for spec in self.indices if spec.name == name), None)

    def without_definition(self, name: str) -> SymbolTable:
        """This table with symbol ``name`` undefined (a follow-through reference leaves it free)."""
        return replace(self, symbols=tuple(replace(s, define=None) if s.name == name else s for s in self))

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Names of the dimension symbols that some shape uses (``n``, ``d``), in table order."""
        used = {dim for spec in self.symbols if isinstance(spec.shape, tuple) for dim in spec.shape}
        return tuple(spec.name for spec in self.symbols if spec.name in used)
