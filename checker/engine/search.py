"""The one sampling and refutation path: where to look for points, and what a point says.

Both the equivalence cascade (:mod:`checker.engine.cascade`, a candidate against the reference)
and the step checker (:mod:`checker.judge.steps`, a step against the earlier ones) test claims at
deterministic sample points.  They share this module: the sizes tried in turn (:func:`cycled`),
the first point at given sizes where a probe is defined (:func:`first_defined`: a singular point
is skipped, a few attempts per sizes), a refuting point a student can check by hand
(:func:`simplest`: the smallest sizes, values in {±2, ±1, ±1/2, 0}), exact equality of values
(:func:`values_equal`) and the disagreement of an equation chain at a point (:func:`disagreement`).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import sympy

from checker.config import EquivalenceConfig
from checker.engine import exact as ex
from checker.engine import instantiate as inst
from checker.engine import pointwise as pw
from checker.engine.exact import Mat, Singular, Value, ZeroTest
from checker.engine.points import Point, sampled
from checker.table import SymbolTable

__all__ = [
    "ATTEMPTS",
    "SIMPLE_ATTEMPTS",
    "Sizes",
    "cycled",
    "disagreement",
    "first_defined",
    "names_in",
    "simplest",
    "sizes_for",
    "solve_unknown",
    "value_text",
    "values_equal",
    "variables_in",
]

T = TypeVar("T")

Sizes = tuple[tuple[str, int], ...]
"""One assignment of the dimension symbols: ``(("n", 3), ("d", 2))``."""

ATTEMPTS = 6
"""Points drawn at one sizes before the sizes are given up (every one singular)."""
SIMPLE_ATTEMPTS = 4
"""Points drawn at each of the two smallest sizes when looking for a readable refutation."""


def variables_in(exprs: Iterable[sympy.Basic], table: SymbolTable) -> inst.Variables:
    """What must be sampled to evaluate ``exprs`` (dimensions, scalars with their rules, matrices).

    Raises:
        Unsupported: an expression too large to evaluate.
    """
    return inst.collect(exprs, table)


def sizes_for(variables: inst.Variables, config: EquivalenceConfig) -> list[Sizes]:
    """The dimension assignments tried for ``variables`` (the config's sizes that fit)."""
    return list(inst.dimension_points(variables, config))


def cycled(sizes: Sequence[Sizes], count: int) -> list[Sizes]:
    """``count`` sizes taken from ``sizes`` in turn (empty when there are none).

    >>> cycled([(("n", 2),), (("n", 3),)], 3)
    [(('n', 2),), (('n', 3),), (('n', 2),)]
    """
    return [sizes[i % len(sizes)] for i in range(count)] if sizes else []


def first_defined(
    variables: inst.Variables,
    dims: Sizes,
    config: EquivalenceConfig,
    number: int,
    probe: Callable[[Point], T | None],
) -> tuple[Point, T] | None:
    """The first of :data:`ATTEMPTS` points at ``dims`` where ``probe`` is defined.

    Args:
        variables: what is sampled.
        dims: the sizes.
        config: seed, entry bound, digits.
        number: the point's index (with the attempt, it fixes the point).
        probe: what the caller computes at a point; it raises ``Singular`` (or returns None)
            where the claim is not defined there.

    Returns:
        The point and the probe's result, or None when every attempt was undefined.

    Raises:
        Unsupported: from the probe (a construct that cannot be evaluated exactly).
    """
    for attempt in range(ATTEMPTS):
        point = Point(variables, dims, config, number, attempt, None)
        sampled(point)  # drawn first, as a failure to draw is reported before any value
        try:
            result = probe(point)
        except Singular:
            continue
        if result is not None:
            return point, result
    return None


def simplest(
    variables: inst.Variables,
    sizes: Sequence[Sizes],
    config: EquivalenceConfig,
    probe: Callable[[Point], T | None],
    refutes: Callable[[T], bool],
) -> tuple[Point, T] | None:
    """A refuting point with the smallest sizes and values in {±2, ±1, ±1/2, 0}, if quick to find.

    Only how readable a refutation is depends on it: one was found already.
    """
    for dims in sorted(sizes, key=lambda d: (math.prod(v for _, v in d), d))[:2]:
        for attempt in range(SIMPLE_ATTEMPTS):
            point = Point(variables, dims, config, 0, attempt, 2)
            sampled(point)
            try:
                result = probe(point)
            except Singular:
                continue
            if result is not None and refutes(result):
                return point, result
    return None


def values_equal(a: Value, b: Value, zt: ZeroTest) -> bool:
    """Exact equality of two instantiated values (a 1×1 matrix equals its entry)."""
    if isinstance(a, Mat) and a.rows == a.cols == 1:
        a = a.entry(0, 0)
    if isinstance(b, Mat) and b.rows == b.cols == 1:
        b = b.entry(0, 0)
    if isinstance(a, Mat) or isinstance(b, Mat):
        if not (isinstance(a, Mat) and isinstance(b, Mat)) or (a.rows, a.cols) != (b.rows, b.cols):
            return False
        return all(ex.equal(x, y, zt) for x, y in zip(a.entries(), b.entries(), strict=True))
    return ex.equal(a, b, zt)


def _equal_sized(a: Value, b: Value, zt: ZeroTest) -> bool:
    """Equality where a literal 0 opposite a matrix means that matrix's zero."""
    if isinstance(a, Mat) and not isinstance(b, Mat) and b == 0:
        return all(ex.is_zero(v, zt) for v in a.entries())
    if isinstance(b, Mat) and not isinstance(a, Mat) and a == 0:
        return all(ex.is_zero(v, zt) for v in b.entries())
    return values_equal(a, b, zt)


def value_text(value: Value, limit: int = 160) -> str:
    """A value as plain text for a sentence, cut at ``limit`` characters."""
    text = inst.format_plain(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def disagreement(
    sides: Sequence[sympy.Basic], env: Mapping[str, Value], zt: ZeroTest, *, limit: int = 120
) -> str | None:
    """Where the chain ``sides[0] = sides[1] = ...`` fails at the point ``env``, in words; None if it holds.

    Raises:
        Singular: a side is not defined at the point.
        Unsupported: a side cannot be evaluated exactly.
    """
    values = [inst.evaluate(s, env, zt) for s in sides]
    for i, (a, b) in enumerate(itertools.pairwise(values)):
        if not _equal_sized(a, b, zt):
            which = "" if len(values) == 2 else f"equality {i + 1} of {len(values) - 1}: "
            return f"{which}left side = {value_text(a, limit)}, right side = {value_text(b, limit)}"
    return None


def names_in(sides: Iterable[sympy.Basic], excluded: frozenset[str]) -> set[str]:
    """The free names of ``sides`` (bound summation indices left out), minus ``excluded``."""
    found: dict[str, sympy.Basic] = {}
    for side in sides:
        inst.walk(side, frozenset(), found)
    return {name for name in found if name not in excluded}


def solve_unknown(
    sides: Sequence[sympy.Basic],
    unknown: str,
    everything: inst.Variables,
    point: Point,
    *,
    zt: ZeroTest,
    rng: random.Random,
    not_affine: pw.NotAffine | None = None,
) -> list[Value]:
    """Every admissible value of ``unknown`` (sampled nowhere at ``point``) that satisfies the
    chain ``sides`` there, its shape and sign rules taken from ``everything``; ``not_affine`` as
    for :func:`checker.engine.pointwise.solve_at_point`.

    Raises:
        Singular, Unsupported: as evaluation raised them.
    """
    env = sampled(point)
    matrix = next((m for m in everything.matrices if m[0] == unknown), None)
    shape = None if matrix is None else (inst.int_of(matrix[1], env), inst.int_of(matrix[2], env))
    rule = next((r for n, r in everything.scalars if n == unknown), inst.Rule())
    return pw.solve_at_point(
        sides,
        unknown,
        shape=shape,
        rule=rule,
        env=env,
        zt=zt,
        rng=rng,
        entry_bound=point.config.entry_bound if point.bound is None else point.bound,
        not_affine=not_affine,
    )
