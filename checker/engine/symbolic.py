"""Bounded symbolic algebra on small scalar expressions (internal; used by ``checker.engine.cascade``).

Nothing here is unbounded (no ``simplify``): every function looks only at :func:`small`
expressions, with matrix entries made independent symbols first (:func:`atomized`).

* :func:`cancels`: is a difference 0 as a rational function?  The cascade's symbolic stage.
* :func:`radicands_cancelled`: each radicand in lowest terms, before that zero test.
* :func:`solve_for`: the admissible roots of an equation in a scalar unknown, of degree <= 4.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Sequence
from typing import Any

import sympy
from sympy import ZZ
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.polys.fields import FracField, sfield
from sympy.polys.orderings import lex
from sympy.polys.polyerrors import BasePolynomialError
from sympy.polys.polyoptions import build_options
from sympy.polys.polyutils import _sort_gens

from checker.caches import memo
from checker.config import EquivalenceConfig
from checker.engine import instantiate as inst
from checker.engine.exact import Mat, Singular, Unsupported, ZeroTest
from checker.engine.pointwise import obeys
from checker.engine.search import values_equal
from checker.table import SymbolTable

__all__ = ["atomized", "cancels", "radicands_cancelled", "small", "solve_for"]

_MAX_NODES = 120
_MAX_EXPONENT = 12
_SOLVE_MAX_DEGREE = 4


def small(expr: sympy.Basic) -> bool:
    """Whether ``expr`` is small enough for symbolic algebra: a scalar of at most 120 nodes whose
    numeric exponents are at most 12 in size (nothing here meets a large expansion)."""
    for count, node in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > _MAX_NODES:
            return False
        if isinstance(node, sympy.Pow) and node.exp.is_Number and abs(node.exp) > _MAX_EXPONENT:
            return False
        if isinstance(node, sympy.MatrixExpr | MatrixElement):
            return False
    return True


def atomized(*exprs: sympy.Basic) -> tuple[list[sympy.Basic], dict[sympy.Basic, sympy.Basic]]:
    """Replace each 1×1 entry ``M[0, 0]`` by a symbol, the same entry by the same symbol.

    An identity between rational functions of independent symbols stays true when the symbols are
    replaced by anything, so a proof about the atomized forms is a proof about the originals.

    Returns:
        The atomized expressions and the map back (symbol → entry).
    """
    entries: set[sympy.Basic] = set()
    for e in exprs:
        entries |= e.atoms(MatrixElement)
    ordered = sorted(entries, key=sympy.default_sort_key)
    mapping = {entry: sympy.Dummy(f"entry{k}", real=True) for k, entry in enumerate(ordered)}
    back = {symbol: entry for entry, symbol in mapping.items()}
    return [e.xreplace(mapping) for e in exprs], back


def cancels(difference: sympy.Expr) -> bool:
    """Is ``difference`` 0 as a rational function of its symbols and other atoms (each radical,
    each function application an independent generator)?  SymPy's field of rational functions
    reduces it to lowest terms in one step, at about half the cost of ``cancel(together(·))``.
    A difference the field cannot take (a denominator that is 0 as written, ``1/(λ - λ)``) is
    not proved here: instantiation decides."""
    reduced = _in_lowest_terms(difference)
    return reduced is not None and bool(reduced == 0)


@memo(maxsize=1024)
def radicands_cancelled(expr: sympy.Basic) -> sympy.Basic:
    """Each radical's radicand in lowest terms (``√((9863 − 9863p)/(9863p))`` becomes ``√((1 − p)/p)``).

    The same rational function, so a proof by :func:`cancels` is unchanged in strength (reducing the whole
    difference in :func:`cancels` takes the same liberty with removable singularities); without it, building
    the difference makes SymPy pull square factors out of every number under a root (integer
    factorization), which cost more than the proof.  Kept once per process: the key's side is
    the same for every answer (only small expressions get here).
    """
    radicals = [p for p in expr.atoms(sympy.Pow) if p.exp.is_Rational and not p.exp.is_Integer]
    if not radicals:
        return expr
    return expr.xreplace({r: sympy.Pow(_lowest_terms(r.base), r.exp) for r in radicals})


def _lowest_terms(radicand: sympy.Expr) -> sympy.Expr:
    """``radicand`` as one fraction in lowest terms: by SymPy's field of rational functions (as in
    :func:`cancels`, at a third of ``cancel``'s cost), or by ``cancel`` where the field cannot take it."""
    reduced = _in_lowest_terms(radicand)
    return sympy.cancel(radicand) if reduced is None else reduced.as_expr()


def _in_lowest_terms(expr: sympy.Expr) -> Any:
    """``expr`` reduced in SymPy's field of rational functions of its atoms (each radical, each
    function application a generator), or None where the field cannot take it (a denominator
    that is 0 as written, ``1/(λ - λ)``)."""
    try:
        if _polynomial_ops(expr):
            with contextlib.suppress(ValueError):  # not the field's after all: sfield decides
                return _canonical_sign(_field(_field_generators(expr)).from_expr(expr))
        _, value = sfield(expr)
    except (BasePolynomialError, NotImplementedError, ZeroDivisionError):
        return None
    return value


def _polynomial_ops(expr: sympy.Basic) -> bool:
    """Is ``expr`` made of symbols and rationals by ``+``, ``×`` and integer powers only?

    Then its generators are its symbols, over the integers, as :func:`~sympy.polys.fields.sfield`
    finds them, and the field's own arithmetic reduces it without ``sfield``'s expansion of
    numerator and denominator (a third of its cost).  A float, a radical or a function keeps the
    general path: there the generators and the domain are ``sfield``'s to find.
    """
    if isinstance(expr, sympy.Symbol | sympy.Rational):
        return True
    if isinstance(expr, sympy.Pow):
        return isinstance(expr.exp, sympy.Integer) and _polynomial_ops(expr.base)
    if isinstance(expr, sympy.Add | sympy.Mul):
        return all(_polynomial_ops(arg) for arg in expr.args)
    return False


def _field_generators(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The symbols of ``expr`` in the order ``sfield`` gives its generators (which fixes the sign
    of a reduced fraction: ``(1 - p)/(q - p)`` is ``(p - 1)/(p - q)`` in ``p, q``)."""
    return tuple(_sort_gens(expr.free_symbols, opt=build_options((), {})))


def _canonical_sign(value: Any) -> Any:
    """``value`` with its denominator's leading coefficient positive, as the field's own
    construction leaves it (``cancel``'s last step).  Its arithmetic does too, except a negative
    power, which swaps numerator and denominator as they are: ``1/(q - p)`` must read as
    ``-1/(p - q)``, as ``sfield`` gives it, or equal radicands would make different radicals."""
    if value.denom.canonical_unit() == -1:
        return value.field.raw_new(-value.numer, -value.denom)
    return value


@memo(maxsize=64)
def _field(generators: tuple[sympy.Basic, ...]) -> Any:
    """The field of rational functions in ``generators`` over the integers, built once per set."""
    return FracField(generators, ZZ, lex)


def solve_for(
    sides: Sequence[sympy.Basic],
    unknown: sympy.Basic,
    table: SymbolTable,
    *,
    config: EquivalenceConfig = EquivalenceConfig(),
) -> tuple[sympy.Basic, ...]:
    """The solutions of an equation (chain) for a scalar unknown, under the unknown's assumptions.

    Bounded: only equations whose difference of sides is, after ``together``, a polynomial of
    degree <= 4 in the unknown are solved (exact roots); anything else gives ``()``.  A root is
    kept when it is real and satisfies the unknown's assumptions and every equality of the chain at
    random points of the other symbols.

    Args:
        sides: the sides of ``a = b (= c ...)``.
        unknown: the scalar symbol to solve for.
        table: the question's symbol table (assumptions, bounds).
        config: seed and sizes of the random checks.

    Returns:
        The admissible solutions, possibly empty.

    Raises:
        Nothing of ours: an equation it cannot solve within bounds gives ``()``.

    >>> from fractions import Fraction
    >>> from checker.table import SymbolSpec, SymbolTable
    >>> table = SymbolTable((SymbolSpec("p", "p", lower=Fraction(0), upper=Fraction(1)),
    ...                      SymbolSpec("sigma", "\\\\sigma", assumptions=frozenset({"positive"}))))
    >>> p = sympy.Symbol("p", real=True, positive=True)
    >>> s = sympy.Symbol("sigma", real=True, positive=True)
    >>> solve_for([s**2, (1 - p) / p], s, table)
    (sqrt(1 - p)/sqrt(p),)
    """
    if not isinstance(unknown, sympy.Symbol) or len(sides) < 2:
        return ()
    if any(isinstance(s, sympy.MatrixExpr) for s in sides):
        return ()
    pair = next(
        ((a, b) for a, b in itertools.pairwise(sides) if (a - b).has(unknown)),
        None,
    )
    if pair is None or any(inst.too_large(side) for side in pair):
        return ()
    (left, right), back = atomized(*pair)
    if not (small(left) and small(right)):
        return ()
    numerator, _ = sympy.fraction(sympy.together(left - right))
    try:
        poly = sympy.Poly(numerator, unknown)
    except sympy.PolynomialError:
        return ()
    # Closed forms of cubics and quartics with symbolic coefficients are huge: numeric ones only.
    limit = _SOLVE_MAX_DEGREE if not poly.free_symbols - {unknown} else 2
    if poly.degree() < 1 or poly.degree() > limit:
        return ()
    roots = sympy.roots(poly, filter=None)
    if sum(roots.values()) != poly.degree():
        return ()
    out: list[sympy.Basic] = []
    for atomized_root in roots:
        root = atomized_root.xreplace(back)
        if root.has(sympy.I) or root.is_real is False:
            continue
        if _admissible(root, unknown, sides, table, config):
            out.append(root)
    return tuple(sorted(out, key=sympy.default_sort_key))


def _admissible(
    root: sympy.Expr,
    unknown: sympy.Symbol,
    sides: Sequence[sympy.Basic],
    table: SymbolTable,
    config: EquivalenceConfig,
) -> bool:
    """Is ``root`` a real solution that the unknown's assumptions allow somewhere?

    The root must satisfy every equality of the chain at each random point where it is defined,
    and the unknown's sign and bounds at one point at least: ``-√((1-p)/p)`` is never a positive
    σ and is dropped, while ``ε = x/w`` is positive wherever x and w share a sign and is kept.
    """
    rule = inst.rule_for(unknown, table)
    chain = [s.xreplace({unknown: root}) for s in sides]
    try:
        variables = inst.collect([root, *chain], table)
        sizes = inst.dimension_points(variables, config)
    except Unsupported:
        return False
    zt = ZeroTest(digits=config.digits)
    checked = allowed = 0
    for index in range(2 * config.points):
        env = inst.sample(variables, sizes[index % len(sizes)], config, index, 0)
        try:
            value = inst.evaluate(root, env, zt)
            values = [inst.evaluate(s, env, zt) for s in chain]
        except Singular:
            continue
        except Unsupported:
            return False
        if isinstance(value, Mat) or not all(values_equal(a, b, zt) for a, b in itertools.pairwise(values)):
            return False
        allowed += obeys(value, rule, zt)
        checked += 1
        if checked >= config.points:
            break
    return allowed > 0
