"""What must be sampled to evaluate some expressions (internal; re-exported by ``checker.engine.instantiate``).

* :func:`collect` finds the dimension symbols, scalar symbols (with the table's assumptions and
  open bounds) and matrix symbols (with symbolic shapes) of some expressions, refusing any that
  :func:`too_large` refuses.
* :func:`summarize` walks one expression once for everything :func:`collect` needs from it; the
  answer key's side of a question is the same for every answer, so :func:`summarize_fixed` walks it
  once per process.  :func:`variables_of` merges summaries exactly as :func:`collect` would.

The variables' order decides the sample points (each is drawn from its own name's stream), so the
fast path is kept equal to the plain definition (:func:`walk`, :func:`too_large`, ``atoms``) by a
test that compares them on many expressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import sympy
from sympy.concrete.expr_with_limits import ExprWithLimits as Sum  # \sum and \prod alike

from checker._frozen import hash_once, state_without_hash
from checker.caches import memo
from checker.engine.exact import Unsupported
from checker.table import SymbolSpec, SymbolTable

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "Rule",
    "Summary",
    "Variables",
    "collect",
    "rule_for",
    "summarize",
    "summarize_fixed",
    "too_large",
    "variables_of",
    "walk",
]


@dataclass(frozen=True)
class Rule:
    """How one scalar is sampled.

    Attributes:
        kind: ``rational`` (p/q), ``integer``, ``interval`` (inside open bounds) or ``index`` (a
            free index of the key, 1 to the dimension ``over``: a statement about every entry).
        positive, nonnegative, nonzero: sign restrictions.
        lower, upper: open bounds, or None.
    """

    kind: Literal["rational", "integer", "interval", "index"] = "rational"
    positive: bool = False
    nonnegative: bool = False
    nonzero: bool = False
    lower: Fraction | None = None
    upper: Fraction | None = None
    over: str | None = None  # kind "index": a whole number from 1 to this dimension


@dataclass(frozen=True)
class Variables:
    """What must be sampled to evaluate some expressions.

    Attributes:
        dims: dimension symbol names used (in shapes or as scalars), in table order.
        scalars: (name, rule) of each scalar symbol, sorted by name.
        matrices: (name, rows, cols) of each matrix symbol, shapes as SymPy expressions.
        latex: (name, LaTeX) for people, from the table.
    """

    dims: tuple[str, ...]
    scalars: tuple[tuple[str, Rule], ...]
    matrices: tuple[tuple[str, sympy.Expr, sympy.Expr], ...]
    latex: tuple[tuple[str, str], ...] = ()

    # Hashed once: the variables key every sample point, and their rules are slow to hash.
    __hash__ = hash_once
    __getstate__ = state_without_hash

    def without(self, name: str) -> Variables:
        """The same variables minus ``name`` (an unknown that is solved for, not sampled)."""
        return Variables(
            self.dims,
            tuple(s for s in self.scalars if s[0] != name),
            tuple(m for m in self.matrices if m[0] != name),
            self.latex,
        )


def rule_for(symbol: sympy.Symbol, table: SymbolTable) -> Rule:
    """The sampling rule of a scalar: its SymPy assumptions plus the table's open bounds."""
    return _scalar_rule(symbol, table.symbol(symbol.name) if table.has(symbol.name) else None)


def _rule(symbol: sympy.Symbol, lower: Fraction | None, upper: Fraction | None) -> Rule:
    positive = bool(symbol.is_positive)
    nonneg = bool(symbol.is_nonnegative) and not positive
    nonzero = bool(symbol.is_nonzero) and not positive
    if symbol.is_integer:
        return Rule("integer", positive, nonneg, nonzero)
    if lower is not None and upper is not None:
        return Rule("interval", lower=lower, upper=upper)
    if lower is not None:
        return Rule("rational", lower=lower)
    if upper is not None:
        return Rule("rational", positive=positive, nonnegative=nonneg, nonzero=nonzero, upper=upper)
    return Rule("rational", positive, nonneg, nonzero)


# A symbol's assumptions are fixed when it is made: its rule is a pure function of frozen values.
_cached_rule = memo(maxsize=1024)(_rule)


def walk(expr: sympy.Basic, bound: frozenset[sympy.Basic], out: dict[str, sympy.Basic]) -> None:
    """Collect the free symbols and matrix symbols of ``expr`` by name (summation indices excluded)."""
    if isinstance(expr, Sum):
        inner = bound | frozenset(expr.variables)
        walk(expr.function, inner, out)
        for limit in expr.limits:
            for part in limit[1:]:
                walk(part, bound, out)
        return
    if isinstance(expr, sympy.MatrixSymbol):
        out[expr.name] = expr
        for dim in expr.shape:
            walk(dim, bound, out)
        return
    if isinstance(expr, sympy.Symbol):
        if expr not in bound:
            out[expr.name] = expr
        return
    for arg in expr.args:
        if isinstance(arg, sympy.Basic):
            walk(arg, bound, out)


# Deepest expression tree evaluated (the evaluator recurses; Python's stack is finite).
MAX_DEPTH = 120
# Largest expression tree evaluated, in nodes.
MAX_NODES = 50_000


def too_large(expr: sympy.Basic) -> str | None:
    """Why ``expr`` is too deep or too large to evaluate, or None; iterative, so it is safe itself.

    >>> too_large(sympy.Symbol("x") + 1) is None
    True
    """
    stack: list[tuple[sympy.Basic, int]] = [(expr, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            return f"the expression is nested deeper than {MAX_DEPTH} levels"
        if nodes > MAX_NODES:
            return f"the expression has more than {MAX_NODES} nodes"
        stack.extend((arg, depth + 1) for arg in node.args if isinstance(arg, sympy.Basic))
    return None


@dataclass(frozen=True)
class Summary:
    """What one expression contributes to :func:`collect`.

    Attributes:
        problem: :func:`too_large` of the expression; when set, nothing else was looked at.
        found: what :func:`walk` finds, as its (name, symbol) items.
        identity_dims: names of the symbols sizing an identity matrix (``I_n``).
        nodes: the nodes of the expression tree (not part of the summary's equality: two
            expressions with the same symbols summarize equally).
    """

    problem: str | None
    found: tuple[tuple[str, sympy.Basic], ...] = ()
    identity_dims: frozenset[str] = frozenset()
    nodes: int = field(default=0, compare=False)


# How a node's symbols are named in :func:`summarize`: not at all (a summation index where it is
# bound, a matrix symbol's name), as :func:`walk` names them, or as the limits ``(i, lo, hi)`` of a
# sum (the index not named, the bounds named).
_HIDDEN, _NAMED, _LIMITS = 0, 1, 2
# The nodes :func:`summarize` looks at more closely than at their arguments.
_SPECIAL = (Sum, sympy.MatrixSymbol, sympy.Identity)


def summarize(expr: sympy.Basic) -> Summary:
    """:func:`too_large`, :func:`walk` and the identities' sizes of ``expr``, in one iterative walk.

    Every node is visited once, in :func:`walk`'s order (so a name met twice keeps the symbol
    :func:`walk` keeps), at the depth :func:`too_large` counts.  An expression past the limits
    stops the walk and is described by :func:`too_large` itself (its message depends on its order).

    >>> n = sympy.Symbol("n")
    >>> summarize(sympy.MatrixSymbol("X", n, 2) + sympy.Identity(n)).identity_dims
    frozenset({'n'})
    """
    found: dict[str, sympy.Basic] = {}
    identity_dims: set[str] = set()
    none: frozenset[sympy.Basic] = frozenset()
    stack: list[tuple[sympy.Basic, int, frozenset[sympy.Basic], int]] = [(expr, 1, none, _NAMED)]
    push, basic, symbol = stack.extend, sympy.Basic, sympy.Symbol
    nodes = 0
    while stack:
        node, depth, bound, mode = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return Summary(too_large(expr))
        args = node.args
        if not args:
            if mode == _NAMED and isinstance(node, symbol) and node not in bound:
                found[node.name] = node
            continue
        depth += 1
        if mode == _NAMED and not isinstance(node, _SPECIAL):  # most nodes: walk every argument
            push([(arg, depth, bound, _NAMED) for arg in reversed(args) if isinstance(arg, basic)])
            continue
        if isinstance(node, sympy.Identity):
            identity_dims |= {s.name for s in node.rows.free_symbols}
        children: list[tuple[sympy.Basic, int, frozenset[sympy.Basic], int]]
        if mode == _HIDDEN:
            children = [(arg, depth, bound, _HIDDEN) for arg in args]
        elif mode == _LIMITS:
            children = [(arg, depth, bound, _NAMED if k else _HIDDEN) for k, arg in enumerate(args)]
        elif isinstance(node, Sum):
            inner = bound | frozenset(node.variables)
            children = [(args[0], depth, inner, _NAMED)]
            children += [(limit, depth, bound, _LIMITS) for limit in args[1:]]
        elif isinstance(node, sympy.MatrixSymbol):
            found[node.name] = node
            children = [(arg, depth, bound, _NAMED if k else _HIDDEN) for k, arg in enumerate(args)]
        else:  # an identity
            children = [(arg, depth, bound, _NAMED) for arg in args]
        push([child for child in reversed(children) if isinstance(child[0], basic)])
    return Summary(None, tuple(found.items()), frozenset(identity_dims), nodes)


# The answer key's side of a question is the same for every answer: summarized once per process.
summarize_fixed = memo(maxsize=1024)(summarize)


def variables_of(summaries: Iterable[Summary], table: SymbolTable) -> Variables:
    """The variables of the expressions summarized, in order: :func:`collect`'s answer.

    Raises:
        Unsupported: the first expression :func:`too_large` refuses, with its reason.
    """
    summaries = list(summaries)
    for summary in summaries:
        if summary.problem is not None:
            raise Unsupported(summary.problem)
    found: dict[str, sympy.Basic] = {}
    shape_dims: set[str] = set()
    for summary in summaries:
        found.update(summary.found)
        shape_dims |= summary.identity_dims
    ordered = sorted(found.items())
    matrices = tuple(
        (name, obj.args[1], obj.args[2]) for name, obj in ordered if isinstance(obj, sympy.MatrixSymbol)
    )
    for _name, rows, cols in matrices:
        shape_dims |= {s.name for s in rows.free_symbols | cols.free_symbols}
    specs = table.symbols
    names = [spec.name for spec in specs]
    free_indices = {
        name: spec.over for name in found if (spec := table.index(name)) is not None and spec.over is not None
    }
    used = shape_dims | {name for name in table.dimensions if name in found} | set(free_indices.values())
    dims = tuple(sorted(used, key=lambda nm: (names.index(nm) if nm in names else len(names), nm)))
    scalars = tuple(
        (
            name,
            Rule("index", over=free_indices[name])
            if name in free_indices
            else _scalar_rule(obj, specs[names.index(name)] if name in names else None),
        )
        for name, obj in ordered
        if isinstance(obj, sympy.Symbol) and name not in dims
    )
    latex = tuple((spec.name, spec.latex) for spec in specs if spec.name in found)
    return Variables(dims, scalars, matrices, latex)


def _scalar_rule(symbol: sympy.Symbol, spec: SymbolSpec | None) -> Rule:
    lower, upper = (spec.lower, spec.upper) if spec is not None else (None, None)
    if isinstance(symbol, sympy.Dummy):  # made afresh for one comparison: caching it only evicts
        return _rule(symbol, lower, upper)
    return _cached_rule(symbol, lower, upper)


def collect(exprs: Iterable[sympy.Basic], table: SymbolTable) -> Variables:
    """The variables of ``exprs``: dimensions, scalars with their sampling rules, matrices.

    >>> from checker.table import SymbolSpec, SymbolTable
    >>> table = SymbolTable((SymbolSpec("lambda", "\\\\lambda", assumptions=frozenset({"positive"})),))
    >>> collect([sympy.Symbol("lambda", positive=True) + 1], table).scalars[0][1].positive
    True
    """
    return variables_of((summarize(e) for e in exprs), table)
