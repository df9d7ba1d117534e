"""Solving an equation for one unknown at a concrete random point (internal, for step chains).

Every symbol but the unknown has a value; the unknown is solved for exactly:

* **affine** in the unknown (the common case: ``(1/n) X^T (X w - t) + 2λw = 0`` in the vector w,
  ``w x - ε w^2 = 0`` in ε): the residual is evaluated at 0 and at each basis element, affinity is
  confirmed at one more random value, and the linear system is solved exactly (a rank-deficient
  system gets a random member of its solution set);
* otherwise, for a scalar unknown, the residual is evaluated with the unknown as a SymPy symbol and
  the numerator's roots are taken exactly when its degree is at most 4 (``σ^2 = (1-p)/p``).

Every solution is checked by substituting it back, and filtered by the unknown's assumptions.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction

import sympy

from checker.caches import memo
from checker.engine import exact as ex
from checker.engine import instantiate as inst
from checker.engine.exact import Mat, Scalar, Singular, Unsupported, Value, ZeroTest

__all__ = ["NotAffine", "obeys", "residual", "solve_at_point"]

NotAffine = set[tuple[tuple[sympy.Basic, ...], str]]
"""(equation sides, unknown) found not affine at some point of one check (per call, never shared)."""

_MAX_DEGREE = 4


def residual(
    sides: Sequence[sympy.Basic],
    env: Mapping[str, Value],
    zt: ZeroTest,
    *,
    shared: dict[sympy.Basic, Value] | None = None,
    varying: str | None = None,
) -> list[Scalar]:
    """Entries of left − right for every equality of a chain, at a point.

    ``shared`` and ``varying`` are passed to :func:`checker._instantiate.evaluate`: repeated
    residuals at one point that differ only in the unknown compute the rest once.

    Raises:
        Singular: a side is undefined at the point.
        Unsupported: the sides' values have different shapes.
    """
    values = [inst.evaluate(s, env, zt, shared=shared, varying=varying) for s in sides]
    out: list[Scalar] = []
    for a, b in itertools.pairwise(values):
        out.extend(_difference(a, b))
    return out


def _difference(a: Value, b: Value) -> list[Scalar]:
    if isinstance(a, Mat) and a.rows == a.cols == 1:
        a = a.entry(0, 0)
    if isinstance(b, Mat) and b.rows == b.cols == 1:
        b = b.entry(0, 0)
    if isinstance(a, Mat) and isinstance(b, Mat):
        if (a.rows, a.cols) != (b.rows, b.cols):
            raise Unsupported(f"sides of sizes {a.rows}x{a.cols} and {b.rows}x{b.cols}")
        return [ex.sub(x, y) for x, y in zip(a.entries(), b.entries(), strict=True)]
    if isinstance(a, Mat):  # a literal 0 opposite a matrix
        if b != 0:
            raise Unsupported("a matrix equated to a nonzero scalar")
        return list(a.entries())
    if isinstance(b, Mat):
        if a != 0:
            raise Unsupported("a matrix equated to a nonzero scalar")
        return [ex.mul(Fraction(-1), v) for v in b.entries()]
    return [ex.sub(a, b)]


def _shaped(flat: Sequence[Scalar], shape: tuple[int, int] | None) -> Value:
    if shape is None:
        return flat[0]
    rows, cols = shape
    return Mat(rows, cols, tuple(tuple(flat[i * cols : (i + 1) * cols]) for i in range(rows)))


def solve_at_point(
    sides: Sequence[sympy.Basic],
    unknown: str,
    *,
    shape: tuple[int, int] | None,
    rule: inst.Rule,
    env: Mapping[str, Value],
    zt: ZeroTest,
    rng: random.Random,
    entry_bound: int,
    not_affine: NotAffine | None = None,
) -> list[Value]:
    """Every admissible value of ``unknown`` satisfying the chain ``sides`` at the point ``env``.

    Args:
        sides: the equation's sides (definitions already substituted).
        unknown: the name of the symbol solved for.
        shape: its concrete shape, None for a scalar.
        rule: its sampling rule (sign and bounds are enforced on solutions).
        env: values of every other symbol.
        zt: zero-test settings.
        rng: randomness for free components of an underdetermined solution.
        entry_bound: the entry bound of random values.
        not_affine: the caller's record, across the points of one check, of equations found not
            affine in a scalar unknown: at later points they go straight to their roots (which
            would find an affine solution too), without the probes of the affine test.

    Returns:
        The solutions (one for an affine equation; the admissible roots otherwise), possibly
        empty when no admissible solution exists at this point.

    Raises:
        Singular: the equation has no solution at this point (inconsistent system).
        Unsupported: the equation cannot be solved exactly (nonlinear in a matrix, high degree).
    """
    count = 1 if shape is None else shape[0] * shape[1]
    values = inst.sample_set(inst.Rule(), entry_bound)

    # Everything but the unknown is fixed at this point: its subexpressions are computed once.
    shared: dict[sympy.Basic, Value] = {}

    def at(flat: Sequence[Scalar]) -> list[Scalar]:
        return residual(sides, {**env, unknown: _shaped(flat, shape)}, zt, shared=shared, varying=unknown)

    zero = [Fraction(0)] * count
    learnt = (tuple(sides), unknown)
    affine = False  # an equation known not affine goes straight to its roots
    if shape is not None or not_affine is None or learnt not in not_affine:
        try:
            r0 = at(zero)
            columns = []
            for j in range(count):
                basis = list(zero)
                basis[j] = Fraction(1)
                columns.append([ex.sub(v, w) for v, w in zip(at(basis), r0, strict=True)])
            probe = [values[rng.randrange(len(values))] for _ in range(count)]
            predicted = list(r0)
            for j, column in enumerate(columns):
                predicted = [ex.add(p, ex.mul(probe[j], c)) for p, c in zip(predicted, column, strict=True)]
            affine = all(ex.equal(p, v, zt) for p, v in zip(predicted, at(probe), strict=True))
        except Singular:
            affine = False
    if affine:
        matrix = [[columns[j][i] for j in range(count)] for i in range(len(r0))]
        free = [values[rng.randrange(len(values))] for _ in range(count)]
        solution = ex.solve_affine(matrix, [ex.mul(Fraction(-1), v) for v in r0], free, zt)
        candidates: list[list[Scalar]] = [solution]
    elif shape is None:
        if not_affine is not None:
            not_affine.add(learnt)
        candidates = [
            [root]
            for root in _roots(sides, unknown=unknown, env=env, zt=zt, rng=rng, values=values, shared=shared)
        ]
    else:
        raise Unsupported(f"the equation is not linear in {unknown}")
    out: list[Value] = []
    for flat in candidates:
        try:
            if not all(ex.is_zero(v, zt) for v in at(flat)):
                continue
        except Singular:
            continue
        if shape is None and not obeys(flat[0], rule, zt):
            continue
        out.append(_shaped(flat, shape))
    return out


def _roots(
    sides: Sequence[sympy.Basic],
    *,
    unknown: str,
    env: Mapping[str, Value],
    zt: ZeroTest,
    rng: random.Random,
    values: Sequence[Fraction],
    shared: dict[sympy.Basic, Value],
) -> list[Scalar]:
    u = _symbol_for(unknown)
    # What does not involve the unknown was computed at this point already: only the rest is
    # evaluated again, with the unknown as a symbol.
    entries = residual(sides, {**env, unknown: u}, zt, shared=shared, varying=unknown)
    polys = []
    for entry in entries:
        numerator, _ = sympy.fraction(sympy.together(ex.to_sympy(entry)))
        try:
            poly = sympy.Poly(numerator, u)
        except sympy.PolynomialError as exc:
            raise Unsupported(f"the equation is not polynomial in {unknown}") from exc
        if not poly.is_zero:
            polys.append(poly)
    if not polys:  # holds for every value: the unknown stays free
        return [values[rng.randrange(len(values))]]
    g = polys[0]
    for poly in polys[1:]:
        g = sympy.gcd(g, poly)
    if g.degree() == 0:
        raise Singular("the equation has no solution at this point")
    if g.degree() > _MAX_DEGREE:
        raise Unsupported(f"degree {g.degree()} in {unknown} is too high to solve exactly")
    roots = sympy.roots(g, filter=None)
    if sum(roots.values()) != g.degree():
        raise Unsupported(f"not every root in {unknown} has a closed form")
    out: list[Scalar] = []
    for root in roots:
        if root.has(sympy.I) or root.is_real is False:
            continue
        out.append(ex.normalize(root))
    return out


@memo(maxsize=256)
def _symbol_for(unknown: str) -> sympy.Dummy:
    """The unknown as a symbol: a Dummy (no clash with the key's names), one per name, so that
    values computed with it (an expectation at a point) are found again by the engine's memos."""
    return sympy.Dummy(unknown, real=True)


def obeys(value: Scalar, rule: inst.Rule, zt: ZeroTest) -> bool:
    """Does a scalar value satisfy a symbol's sign, integrality and open bounds?"""
    s = ex.sign(value, zt)
    if (rule.positive and s <= 0) or (rule.nonnegative and s < 0) or (rule.nonzero and s == 0):
        return False
    if rule.kind == "integer" and not (isinstance(value, Fraction) and value.denominator == 1):
        return False
    if rule.lower is not None and ex.sign(ex.sub(value, rule.lower), zt) <= 0:
        return False
    return not (rule.upper is not None and ex.sign(ex.sub(rule.upper, value), zt) <= 0)
